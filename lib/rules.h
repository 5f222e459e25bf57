/* The rules: one catalogue of every signal the trace's verdict and the
 * scan's score can give (its stable id, its points, its words), the one
 * adder that turns an entry into a struct mt_signal, and the predicates
 * that decide the signals which are rules of their own. Pure: no I/O.
 *
 * A new signal is one entry in mti_rules[] (rules.c) and one value here,
 * plus the place that detects it. */
#ifndef MTI_RULES_H
#define MTI_RULES_H

#include <minertrace/minertrace.h>

/* Every signal, the index of its entry in mti_rules[]. */
enum mti_rule_id {
	/* the scan's, from sampling and /proc */
	MTI_SIG_CPU_HIGH = 0,
	MTI_SIG_CPU_MID,
	MTI_SIG_CPU_LOW,
	MTI_SIG_MINER_NAME,
	MTI_SIG_STRATUM,
	MTI_SIG_MINER_ARGUMENT,
	MTI_SIG_ALGORITHM,
	MTI_SIG_POOL_PORT,
	MTI_SIG_PRELOAD_FILE,
	MTI_SIG_LD_PRELOAD,
	MTI_SIG_RESPAWNED,
	MTI_SIG_WATCHDOG,
	MTI_SIG_HIDDEN,
	/* both: what the process runs and how it got in */
	MTI_SIG_EXE_DELETED,
	MTI_SIG_FILELESS,
	MTI_SIG_SCRATCH_DIR,
	MTI_SIG_WRITABLE_LAYER,
	MTI_SIG_ENTERED_FROM_OUTSIDE,
	/* the trace's verdict: the container and its image */
	MTI_SIG_CGROUP_ONLY,
	MTI_SIG_MOUNTED_BINARY,
	MTI_SIG_ROOT_IN_CONTAINER,
	MTI_SIG_PRIVILEGED,
	MTI_SIG_HOST_PID,
	MTI_SIG_DANGEROUS_MOUNT,
	MTI_SIG_CAP_ADDED,
	MTI_SIG_IMAGE_FROM_DOCKER_HUB,
	MTI_SIG_IMAGE_LOCAL,
	MTI_SIG_DRIFT,
	MTI_SIG_UNTRUSTED_REGISTRY,
	MTI_SIG_COUNT
};

/* Which document a signal is added to: the words differ where the scan
 * knows less (only the exe link) than the trace. */
enum mti_signal_doc {
	MTI_DOC_VERDICT = 0,
	MTI_DOC_SCAN,
};

/* One entry of the catalogue. The words are templates: each "%s" takes the
 * next argument given to mti_signal_add, "%%" is a '%'. */
struct mti_rule {
	const char *id;      /* the stable id every document shows */
	int points;          /* what it adds to a scan's score; 0: the verdict's only */
	const char *verdict; /* the detail in a trace's verdict; NULL: never there */
	const char *scan;    /* the detail in a scan's finding; NULL: never there */
};

extern const struct mti_rule mti_rules[MTI_SIG_COUNT];

/* Arguments for the words of an entry: MTI_ARGS("a", b). The list ends at
 * the first NULL: give "?" or "" for a string that may be missing. */
#define MTI_ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Appends signal id to (*list)[0..*n) with the entry's id, points and words
 * for doc, the "%s" of the words filled from args (NULL-terminated, may be
 * NULL; a "%s" past the last argument is left empty). Returns MT_OK, MT_ERR_NOMEM, or
 * MT_ERR_INVALID_ARG for an id outside the catalogue or words doc lacks. */
enum mt_err mti_signal_add(struct mt_signal **list, size_t *n, enum mti_rule_id id,
                           enum mti_signal_doc doc, const char *const *args);

/* Frees list[0..n) and what each signal holds; NULL is allowed. */
void mti_signals_free(struct mt_signal *list, size_t n);

/* The predicates. */

/* True when the name looks like one of the runtime shims (conmon, runc,
 * containerd-shim, ...). */
bool mti_is_runtime_shim_name(const char *name);

/* True when a memfd of that name is runc's own re-executed self: the
 * process is named runc... and the memfd runc_cloned... */
bool mti_is_runtime_memfd(const char *memfd_name, const char *comm);

/* True when path lies in a world-writable scratch directory (/tmp,
 * /var/tmp, /dev/shm). */
bool mti_is_scratch_path(const char *path);

/* fileless: it runs from a memfd that is not runc's own. */
bool mti_rule_fileless(const struct mt_exe *e);

/* exe-deleted: its executable file was deleted after it started. */
bool mti_rule_exe_deleted(const struct mt_exe *e);

/* scratch-dir: it runs from a world-writable scratch directory. */
bool mti_rule_scratch_dir(const struct mt_exe *e);

/* writable-layer: the trace placed its binary in the container's writable
 * layer. */
bool mti_rule_writable_layer(const struct mt_trace *t);

/* entered-from-outside: the trace found it exec'd or setns'd into its
 * container from outside. */
bool mti_rule_entered_from_outside(const struct mt_trace *t);

/* cap-added: a capability that gives the container the host. */
bool mti_rule_dangerous_cap(const char *cap);

/* dangerous-mount: why the mount endangers the host (the engine socket, a
 * host directory bound in), newly allocated; NULL when it does not (or on
 * memory shortage). */
char *mti_mount_risk(const struct mt_mount *m);

#endif
