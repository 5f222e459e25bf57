/* Classification: the role of each process, how the target entered its
 * container, and the verdict with its signals. Reads the model, writes the
 * model; no I/O. */
#ifndef MTI_CLASSIFY_H
#define MTI_CLASSIFY_H

#include <minertrace/minertrace.h>

/* Sets chain[i].role for every process. */
void mti_classify_roles(struct mt_trace *t);

/* True when chain[i] shares the target's container (by cgroup or by PID
 * namespace). */
bool mti_in_target_container(const struct mt_trace *t, size_t i);

/* Compares the namespaces of target and init into *out (init_pid set). */
void mti_compare_namespaces(const struct mt_process *target, const struct mt_process *init,
                            struct mt_ns_compare *out);

/* True when the target is in its container's cgroup but not in the
 * container's namespaces (t->entry.ns): a host process moved there. */
bool mti_cgroup_only(const struct mt_trace *t);

/* Writes the names of the MT_NS_* bits in mask, as "pid, mnt", into buf. */
const char *mti_ns_names(unsigned mask, char *buf, size_t len);

/* Decides t->entry (needs roles, t->entry.ns and, when asked, engine facts). */
enum mt_err mti_classify_entry(struct mt_trace *t);

/* Decides t->verdict from entry, origin and engine facts. */
enum mt_err mti_classify_verdict(struct mt_trace *t);

#endif
