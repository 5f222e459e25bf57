/* Building and releasing the trace model (model.h). */
#ifndef MTI_TRACE_MODEL_H
#define MTI_TRACE_MODEL_H

#include <stdarg.h>

#include <minertrace/minertrace.h>

/* Most warnings one trace keeps; later ones are counted in the last. */
#define MTI_WARNINGS_MAX 256

/* Appends a warning to t (t may be NULL: the warning is dropped). Never
 * fails from the caller's view: on memory shortage the warning is lost. */
void mti_warn(struct mt_trace *t, enum mt_err code, pid_t pid, const char *subject, const char *fmt,
              ...) __attribute__((format(printf, 5, 6)));

/* Appends a warning to a list of at most MTI_WARNINGS_MAX (a trace's, a
 * scan's); on memory shortage the warning is lost. */
void mti_warnings_vadd(struct mt_warning **list, size_t *n, enum mt_err code, pid_t pid,
                       const char *subject, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
void mti_warnings_free(struct mt_warning *list, size_t n);

void mti_exe_clear(struct mt_exe *e);
void mti_process_clear(struct mt_process *p);
void mti_member_clear(struct mt_member *m);
/* The pod name and namespace, the Kubernetes container name and the image
 * reference of a container: the engine's when it answered, else its OCI
 * bundle's; NULL when neither says. Point into c. */
const char *mti_pod_name(const struct mt_container *c);
const char *mti_pod_namespace(const struct mt_container *c);
const char *mti_k8s_container_name(const struct mt_container *c);
const char *mti_image_name(const struct mt_container *c);
/* Frees what an OCI bundle record holds (not b itself); NULL is allowed. */
void mti_oci_bundle_clear(struct mt_oci_bundle *b);
/* Frees a runtime task record; NULL is allowed. */
void mti_runtime_task_free(struct mt_runtime_task *task);
void mti_container_clear(struct mt_container *c);
void mti_image_clear(struct mt_image *img);
void mti_exec_session_clear(struct mt_exec_session *x);
void mti_event_clear(struct mt_event *e);
void mti_engine_container_free(struct mt_engine_container *ec);
/* Frees what ec holds, not ec itself. */
void mti_engine_container_clear(struct mt_engine_container *ec);
void mti_origin_clear(struct mt_origin *o);
void mti_preload_clear(struct mt_preload_report *r);
/* Fills r->libraries with every library the preload file, LD_PRELOAD and
 * the unexpected objects name (once each, at most 64), each read and
 * hashed; one that cannot be read keeps its error. MT_ERR_NOMEM only. */
enum mt_err mti_preload_libraries(struct mt_preload_report *r);
enum mt_err mti_preload_copy(const struct mt_preload_report *src, struct mt_preload_report *dst);
/* Frees what ev holds and zeroes it. */
void mti_evidence_clear(struct mt_evidence *ev);

/* Free what the post-mortem parts hold and reset them (an empty story has
 * app_index, shell_index and exec_time_ns -1). */
void mti_timeline_clear(struct mt_timeline *tl);
void mti_entry_story_clear(struct mt_entry_story *st);
void mti_registry_check_clear(struct mt_registry_check *r);
void mti_persistence_clear(struct mt_persistence *ps);
void mti_target_net_clear(struct mt_target_net *n);
/* Frees what the list of a same image's containers holds and zeroes it. */
void mti_spread_image_clear(struct mt_spread_image *si);
void mti_spread_clear(struct mt_spread *sp);
void mti_miner_config_clear(struct mt_miner_config *mc);
void mti_postmortem_clear(struct mt_postmortem *pm);

/* The host user name worth showing for p: NULL inside a container, where a
 * host name means nothing (except root). */
const char *mti_shown_user(const struct mt_process *p);

/* What a process state (stat field 3) means when it is worth saying: a
 * zombie, a stopped or traced process, a dead one; NULL otherwise. */
const char *mti_state_words(char state);

#endif
