/* minertrace - trace model: the facts one trace collects.
 *
 * Every renderer reads this model and nothing else. All strings are
 * NUL-terminated and may hold any other byte (they come from process names,
 * argv, paths and engine replies, which an attacker controls): renderers must
 * escape them. A NULL string means "not known". The whole model is owned by
 * the struct mt_trace that holds it and is released by mt_trace_free().
 */
#ifndef MINERTRACE_MODEL_H
#define MINERTRACE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Stable error numbers: never renumber, only append. */
enum mt_err {
	MT_OK = 0,
	MT_ERR_NOMEM = 1,              /* out of memory */
	MT_ERR_INVALID_ARG = 2,        /* bad argument from the caller */
	MT_ERR_NO_PROCESS = 3,         /* no such process */
	MT_ERR_VANISHED = 4,           /* the process exited or its PID was reused */
	MT_ERR_PERMISSION = 5,         /* the kernel refused to let us read it */
	MT_ERR_IO = 6,                 /* other read or write error */
	MT_ERR_PARSE = 7,              /* data did not have the expected form */
	MT_ERR_TOO_LARGE = 8,          /* data over a hard cap */
	MT_ERR_ENGINE_UNREACHABLE = 9, /* engine socket missing or refusing */
	MT_ERR_ENGINE_TIMEOUT = 10,    /* engine did not answer in time */
	MT_ERR_ENGINE_HTTP = 11,       /* engine answered with an HTTP error */
	MT_ERR_ENGINE_REPLY = 12,      /* engine reply malformed or inconsistent */
	MT_ERR_UNSUPPORTED = 13,       /* not available in this mode or kernel */
	MT_ERR_EXISTS = 14,            /* output path already holds something */
	MT_ERR_LIMIT = 15,             /* a safety limit stopped a loop */
	MT_ERR_NOT_FOUND = 16,         /* a looked-up object does not exist */
	MT_ERR_NOT_REGULAR = 17,       /* a FIFO, device or link, not a file */
};

/* The part a process plays in the chain from the target up to PID 1. */
enum mt_role {
	MT_ROLE_HOST = 0,          /* a process of the host */
	MT_ROLE_TARGET,            /* the process that was asked about */
	MT_ROLE_CONTAINER_PROCESS, /* an ancestor inside the container */
	MT_ROLE_CONTAINER_INIT,    /* PID 1 of the container's PID namespace */
	MT_ROLE_RUNTIME_SHIM,      /* containerd-shim, conmon, runc, crun */
};

enum mt_runtime {
	MT_RUNTIME_UNKNOWN = 0,
	MT_RUNTIME_DOCKER,
	MT_RUNTIME_CONTAINERD,
	MT_RUNTIME_CRIO,
	MT_RUNTIME_PODMAN,
	MT_RUNTIME_LXC,
	MT_RUNTIME_NSPAWN,
};

/* What a process's cgroup membership says about where it runs. */
enum mt_cgroup_scope {
	MT_SCOPE_UNKNOWN = 0,       /* unreadable or no usable line */
	MT_SCOPE_HOST,              /* a host cgroup */
	MT_SCOPE_CONTAINER,         /* a container cgroup */
	MT_SCOPE_RUNTIME,           /* host side of a runtime (e.g. libpod-conmon) */
	MT_SCOPE_NAMESPACE_ROOT,    /* only "/": root of the reader's cgroup namespace */
	MT_SCOPE_OUTSIDE_NAMESPACE, /* "/..": outside the reader's cgroup namespace */
};

enum mt_qos {
	MT_QOS_NONE = 0,
	MT_QOS_GUARANTEED,
	MT_QOS_BURSTABLE,
	MT_QOS_BESTEFFORT,
};

/* One line of /proc/PID/cgroup. hierarchy 0 with empty controllers is v2. */
struct mt_cgroup_line {
	unsigned hierarchy;
	char *controllers;
	char *path;
};

struct mt_container_ref {
	char *id; /* full ID (64 hex for docker/containerd/cri-o/podman) */
	enum mt_runtime runtime;
};

struct mt_cgroup_info {
	enum mt_cgroup_scope scope;
	struct mt_container_ref container; /* innermost container; id NULL if none */
	struct mt_container_ref *outer;    /* enclosing containers, outermost first */
	size_t n_outer;
	char *pod_uid; /* Kubernetes pod UID, dashed form */
	enum mt_qos qos;
	char *path;         /* cgroup path the answer came from */
	unsigned hierarchy; /* its hierarchy ID (0 = cgroup v2) */
	struct mt_cgroup_line *lines;
	size_t n_lines;
};

#define MT_SHA256_HEX_LEN 64

struct mt_exe {
	bool readable; /* the exe link could be read */
	char *path;    /* as the process sees it, without " (deleted)" */
	bool deleted;  /* unlinked after the process started */
	bool memfd;    /* fileless: runs from a memfd */
	char *memfd_name;
	bool runtime_memfd; /* runc's own memfd:runc_cloned, not suspicious */
	char *host_path;    /* <proc>/<pid>/root<path>: reachable from the host */
	bool have_stat;
	uint64_t size;
	uint64_t inode;
	unsigned dev_major, dev_minor;
	uint64_t nlink;
	uint32_t mode;
	char sha256[MT_SHA256_HEX_LEN + 1]; /* "" when not computed */
};

struct mt_process {
	pid_t pid;
	pid_t ppid;
	pid_t nspid[32]; /* NSpid: host first, innermost namespace last */
	size_t n_nspid;
	char *comm;
	char **argv;
	size_t argc;
	bool argv_truncated;
	bool kernel_thread;
	uid_t uid[4]; /* real, effective, saved, filesystem */
	gid_t gid[4];
	bool have_ids; /* uid and gid were read (status) */
	char *user;    /* host user name of the real UID */
	char state;
	unsigned long long start_ticks; /* stat field 22 */
	int64_t start_time_ms;          /* UTC, ms since the epoch; -1 if unknown */
	uint64_t cpu_ms;                /* utime + stime */
	uint64_t rss_kb;
	unsigned threads;
	char *cwd;
	uint64_t ns_pid, ns_mnt, ns_cgroup, ns_net, ns_user; /* 0 = unknown */
	enum mt_role role;
	struct mt_exe exe;
	struct mt_cgroup_info cgroup;
	int container_index; /* into mt_trace.containers, -1 = none */
	bool vanished;       /* exited while being read */
};

/* A process that shares the container with the target. */
struct mt_member {
	pid_t pid;
	pid_t ppid;
	char *comm;
	char state;
	uint64_t cpu_ms;
	char *exe_path;
	bool exe_deleted;
	bool in_chain;
};

struct mt_accounting {
	bool have_cpu;
	uint64_t cpu_usage_ns;
	bool have_memory;
	uint64_t memory_bytes;
	bool have_memory_limit; /* false also when unlimited */
	uint64_t memory_limit;
	bool have_pids;
	uint64_t pids;
	unsigned cgroup_version; /* 1 or 2; 0 = not read */
};

struct mt_kv {
	char *key;
	char *value;
};

struct mt_mount {
	char *type;
	char *source;
	char *destination;
	bool rw;
	char *risk; /* NULL, or why this mount endangers the host */
};

enum mt_image_source {
	MT_IMAGE_SOURCE_UNKNOWN = 0,
	MT_IMAGE_SOURCE_LOCAL, /* no registry digest: built or loaded here */
	MT_IMAGE_SOURCE_DOCKER_HUB,
	MT_IMAGE_SOURCE_REGISTRY, /* another registry, see mt_image.registry */
};

struct mt_image {
	char *id;
	char **repo_tags;
	size_t n_repo_tags;
	char **repo_digests;
	size_t n_repo_digests;
	char *created;
	char *registry;
	enum mt_image_source source;
};

struct mt_exec_session {
	char *id;
	pid_t pid;
	bool running;
	long exit_code; /* -1 while running or unknown */
	char *user;
	char *entrypoint;
	char **args;
	size_t n_args;
	bool privileged;
	bool tty;
	int chain_index; /* the chain process it started, -1 = none */
};

struct mt_event {
	int64_t time_ns;
	char *type;
	char *action;
	char *actor_id;
	char *exec_id;
	char *detail;
};

enum mt_change_kind {
	MT_CHANGE_MODIFIED = 0,
	MT_CHANGE_ADDED = 1,
	MT_CHANGE_DELETED = 2,
};

struct mt_change {
	char *path;
	enum mt_change_kind kind;
	int executable; /* 1 yes, 0 no, -1 unknown */
	bool is_target_exe;
};

/* What the container engine said about one container. */
struct mt_engine_container {
	char *id;
	char *name;
	char *image_ref; /* Config.Image: the reference it was run with */
	char *image_id;
	char *created;
	char *started_at;
	char *status;
	char *path;
	char **args;
	size_t n_args;
	char **entrypoint;
	size_t n_entrypoint;
	char **cmd;
	size_t n_cmd;
	char *user;
	char *working_dir;
	struct mt_kv *labels;
	size_t n_labels;
	char *k8s_pod_name;
	char *k8s_namespace;
	char *k8s_container;
	char *k8s_pod_uid;
	bool privileged;
	char *pid_mode;
	char *network_mode;
	char *cgroup_parent;
	char **cap_add;
	size_t n_cap_add;
	struct mt_mount *mounts;
	size_t n_mounts;
	char *restart_policy;
	long restart_max;
	long restart_count;
	pid_t init_pid;
	char *graph_driver;
	char *upper_dir;
	bool have_image;
	struct mt_image image;
	struct mt_exec_session *execs;
	size_t n_execs;
	bool have_events;
	struct mt_event *events;
	size_t n_events;
	bool have_changes;
	struct mt_change *changes; /* the target exe and executables added in tmp dirs */
	size_t n_changes;
	size_t n_added, n_modified, n_deleted;
	int target_change; /* enum mt_change_kind of the target exe, -1 = absent */
};

/* What a container's runtime tells without its API: the shim's command
 * line (containerd-shim-runc-v2 -namespace NS -id ID -address SOCK) and
 * the OCI bundle next to it. Every string is attacker-controlled. */
/* A task's OCI bundle config.json, read-only, as containerd wrote it (the
 * io.kubernetes.cri.* annotations of its CRI plugin). NULL fields: absent. */
struct mt_oci_bundle {
	char *path;           /* the bundle directory on the host */
	char *container_type; /* "sandbox" (the pod's pause) or "container" */
	char *container_name;
	char *image_name;
	char *sandbox_id;
	char *pod_name;
	char *pod_namespace;
	char *pod_uid;
	char **args; /* process.args */
	size_t n_args;
	bool args_truncated;
	char *root; /* root.path, relative to the bundle or absolute */
};

struct mt_runtime_task {
	char *namespace; /* containerd namespace: default, k8s.io, moby... */
	char *address;   /* the shim's -address: the containerd that owns the task */
	pid_t shim_pid;
	char *shim_id;                /* the shim's -id: the pod's sandbox ID for a CRI pod */
	bool cri;                     /* created through the CRI (a Kubernetes pod), not natively */
	struct mt_oci_bundle *bundle; /* NULL when not read */
};

struct mt_container {
	char *id;
	enum mt_runtime runtime;
	char *pod_uid;
	enum mt_qos qos;
	char *cgroup_path;
	struct mt_container_ref *outer;
	size_t n_outer;
	bool via_pid_namespace; /* found through the PID namespace, not the cgroup */
	bool have_members;
	struct mt_member *members;
	size_t n_members;
	bool members_truncated;
	struct mt_accounting acct;
	struct mt_engine_container *engine; /* NULL when not asked or not known */
	struct mt_runtime_task *task;       /* NULL when no shim or bundle said anything */
};

enum mt_origin_kind {
	MT_ORIGIN_UNKNOWN = 0,
	MT_ORIGIN_WRITABLE_LAYER, /* dropped into the container after the image was built */
	MT_ORIGIN_IMAGE_LAYER,    /* shipped in the image */
	MT_ORIGIN_MOUNT,          /* on a tmpfs, volume or bind mount inside the container */
	MT_ORIGIN_MEMFD,          /* fileless */
	MT_ORIGIN_HOST,           /* a host file: the process is not in a container */
};

struct mt_origin {
	enum mt_origin_kind kind;
	bool analysed;
	char *root_fstype;    /* fs type of the process's "/" mount */
	char *upperdir;       /* host path of the writable layer */
	char *upper_path;     /* host path of the exe inside the writable layer */
	bool in_upper;        /* the exe's path exists in the writable layer */
	bool inode_match;     /* ...and it is the very same inode */
	bool unlinked;        /* link count 0: unlinked from the writable layer */
	bool whiteout_hidden; /* deleted image file still linked in a lower layer */
	int lower_index;      /* image layer holding it (0 = topmost), -1 */
	char *lower_path;
	char *mount_point; /* mount that holds the exe */
	char *mount_fstype;
	char *mount_source;
	char *detail; /* the reasoning in plain words */
};

enum mt_entry_kind {
	MT_ENTRY_UNKNOWN = 0,
	MT_ENTRY_HOST,           /* a host process, not in a container */
	MT_ENTRY_CONTAINER_INIT, /* it is the container's own init */
	MT_ENTRY_INIT_TREE,      /* descends from the container's init */
	MT_ENTRY_RUNTIME_EXEC,   /* started by the runtime from outside: docker/kubectl exec */
	MT_ENTRY_SETNS,          /* joined the namespaces from a host process: nsenter */
	MT_ENTRY_DOCKER_EXEC,    /* confirmed by the engine: a docker exec session */
};

struct mt_entry {
	enum mt_entry_kind kind;
	int init_index;     /* chain index of the container init, -1 */
	int boundary_index; /* first chain index outside the container, -1 */
	int exec_index;     /* into the target container's engine execs, -1 */
	char *detail;
};

enum mt_classification {
	MT_CLASS_UNKNOWN = 0,
	MT_CLASS_HOST_PROCESS,   /* not in a container at all */
	MT_CLASS_UNWANTED_IMAGE, /* the image itself runs it as its init */
	MT_CLASS_INTRODUCED,     /* a process introduced into a legitimate image */
	MT_CLASS_IMAGE_PROCESS,  /* started by the image's own process tree from its own files */
};

struct mt_signal {
	char *id; /* stable short name, e.g. "exe-deleted" */
	char *detail;
};

struct mt_verdict {
	enum mt_classification classification;
	char *summary;
	struct mt_signal *signals;
	size_t n_signals;
};

struct mt_warning {
	enum mt_err code;
	pid_t pid;     /* 0 when not about one process */
	char *subject; /* what could not be read: "exe", "engine", ... */
	char *message;
};

struct mt_preload_report {
	bool checked;
	bool detected;
	bool reexecuted;        /* ran again in a private mount namespace */
	char *preload_file;     /* what /etc/ld.so.preload listed */
	char *ld_preload_env;   /* LD_PRELOAD that was set */
	char **unexpected_libs; /* libraries in our maps no one asked for */
	size_t n_unexpected_libs;
	char *note;
};

struct mt_evidence {
	int64_t collected_at_ms;
	char *hostname;
	char *kernel;
	char *boot_id;
	uid_t uid;
	uid_t euid;
	char *proc_root;
	bool live; /* proc_root is a live procfs */
	uint64_t btime;
	long clk_tck;
	struct mt_preload_report preload;
};

struct mt_engine_status {
	bool enabled;
	char *endpoint;
	char *api_version;
	char *engine_version;
	char *engine_os;
	bool reachable;
	unsigned requests;
};

enum mt_trace_status {
	MT_TRACE_COMPLETE = 0, /* the target was read and stayed alive */
	MT_TRACE_NOT_FOUND,    /* no such PID */
	MT_TRACE_VANISHED,     /* the target exited during the trace */
	MT_TRACE_UNREADABLE,   /* the PID exists but its stat could not be read or parsed */
};

enum mt_chain_end {
	MT_CHAIN_ROOT = 0,        /* reached a process whose parent is 0 */
	MT_CHAIN_PARENT_VANISHED, /* an ancestor exited while we walked */
	MT_CHAIN_PID_RECYCLED,    /* the parent PID now names a younger process */
	MT_CHAIN_LOOP,            /* inconsistent data: a parent loop */
	MT_CHAIN_DEPTH_LIMIT,
	MT_CHAIN_UNREADABLE,
};

struct mt_trace {
	struct mt_evidence evidence;
	pid_t target_pid;
	enum mt_trace_status status;
	struct mt_process *chain; /* chain[0] is the target, then its ancestors */
	size_t chain_len;
	enum mt_chain_end chain_end;
	struct mt_container *containers; /* distinct containers, target's first */
	size_t n_containers;
	struct mt_origin origin;
	struct mt_entry entry;
	struct mt_verdict verdict;
	struct mt_engine_status engine;
	struct mt_warning *warnings;
	size_t n_warnings;
};

#ifdef __cplusplus
}
#endif

#endif
