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
	pid_t tgid;      /* thread group leader (status Tgid); 0 = unknown */
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
	MT_ENTRY_PRIVATE_PIDNS,  /* a private PID namespace outside any container: unshare */
	MT_ENTRY_CGROUP_ONLY,    /* in a container's cgroup, not its namespaces: moved there */
	MT_ENTRY_KERNEL_THREAD,  /* a kernel thread: no executable, no container */
};

/* Bits of struct mt_ns_compare: the namespaces compared. */
#define MT_NS_PID 0x1u
#define MT_NS_MNT 0x2u
#define MT_NS_NET 0x4u
#define MT_NS_CGROUP 0x8u
#define MT_NS_USER 0x10u

/* The target's namespaces against those of its container's init. A namespace
 * unknown on either side is in neither mask. */
struct mt_ns_compare {
	pid_t init_pid;  /* the init compared with; 0 = not compared */
	unsigned shared; /* MT_NS_* the target shares with the init */
	unsigned differ; /* MT_NS_* in which they differ */
};

struct mt_entry {
	enum mt_entry_kind kind;
	int init_index;     /* chain index of the container init, -1 */
	int boundary_index; /* first chain index outside the container, -1 */
	int exec_index;     /* into the target container's engine execs, -1 */
	struct mt_ns_compare ns;
	char *detail;
};

enum mt_classification {
	MT_CLASS_UNKNOWN = 0,
	MT_CLASS_HOST_PROCESS,      /* not in a container at all */
	MT_CLASS_UNWANTED_IMAGE,    /* the image itself runs it as its init */
	MT_CLASS_INTRODUCED,        /* a process introduced into a legitimate image */
	MT_CLASS_IMAGE_PROCESS,     /* started by the image's own process tree from its own files */
	MT_CLASS_MOVED_INTO_CGROUP, /* a host process moved into a container's cgroup */
};

/* One reason for suspicion: a trace's verdict and a scan's finding give
 * the same ones (lib/rules.c holds the catalogue). */
struct mt_signal {
	char *id;     /* stable short name, e.g. "exe-deleted", "cpu", "pool-port" */
	char *detail; /* the evidence in words */
	int points;   /* what it adds to a scan's score (0 for one the scan never
	                 gives); a trace's documents do not show it */
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

/* One library that /etc/ld.so.preload or LD_PRELOAD names, or that was
 * found loaded: the rootkit itself, as evidence. */
struct mt_preload_library {
	char *path;
	enum mt_err err; /* MT_OK when it was read and hashed */
	uint64_t size;
	uint64_t dev, ino; /* what was hashed; --collect copies only this file */
	char sha256[65];   /* "" unless err is MT_OK */
};

struct mt_preload_report {
	bool checked;
	bool detected;
	bool reexecuted;        /* ran again in a private mount namespace */
	bool statically_linked; /* no loader ran: nothing could be preloaded */
	char *preload_file;     /* what /etc/ld.so.preload listed */
	char *ld_preload_env;   /* LD_PRELOAD that was set */
	char **unexpected_libs; /* libraries in our maps no one asked for */
	size_t n_unexpected_libs;
	struct mt_preload_library *libraries; /* every library named above, once */
	size_t n_libraries;
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
	/* The API that answered: "Docker Engine API", "Podman
	 * (Docker-compatible API)", "containerd API", "CRI (containerd)",
	 * "CRI (CRI-O)"; NULL while none answered. */
	char *api;
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

/* The post-mortem: the facts put in order and in words (timeline.c,
 * entry_story.c, trusted.c). */

/* Whose clock a time comes from. */
enum mt_clock {
	MT_CLOCK_ENGINE = 0, /* the container engine's own records */
	MT_CLOCK_KERNEL,     /* the boot time plus a process's start ticks */
	MT_CLOCK_FILE,       /* a file's time stamp: whoever can write the file can set it */
};

/* What a timeline entry is about. */
enum mt_time_source {
	MT_TIME_IMAGE_CREATED = 0,
	MT_TIME_CONTAINER_CREATED,
	MT_TIME_CONTAINER_STARTED,
	MT_TIME_ENGINE_EVENT,
	MT_TIME_EXEC,                 /* an exec session's engine event */
	MT_TIME_PROCESS_START,        /* a chain process started */
	MT_TIME_EXE_MODIFIED,         /* the target's binary was last written (mtime) */
	MT_TIME_EXE_CHANGED,          /* its inode last changed (ctime: written, chmod, unlinked) */
	MT_TIME_DRIFT_MODIFIED,       /* a file of the writable layer was last written */
	MT_TIME_PERSISTENCE_MODIFIED, /* a persistence file was last written */
};

struct mt_time_event {
	int64_t time_ns; /* UTC, ns since the epoch */
	enum mt_time_source source;
	enum mt_clock clock;
	bool untrusted; /* a file time: anyone who could write the file could set it */
	pid_t pid;      /* the process it is about, 0 = none */
	char *what;     /* the fact in words */
};

/* Times of an inode, read through /proc/PID/exe (even when unlinked). */
struct mt_file_times {
	bool known;
	int64_t mtime_ns;
	int64_t ctime_ns;
};

struct mt_timeline {
	struct mt_time_event *events; /* oldest first */
	size_t n_events;
	bool truncated;           /* more facts than the cap */
	struct mt_file_times exe; /* the target's binary */
	/* CLOCK_REALTIME - CLOCK_BOOTTIME when the trace ran, to the ns (the
	 * btime of /proc/stat is whole seconds); 0 = not known (a captured
	 * tree: process starts then come from btime). */
	int64_t boot_time_ns;
};

/* How the attacker got in, said plainly. */
enum mt_story_kind {
	MT_STORY_UNKNOWN = 0,
	MT_STORY_APP_SPAWNED_SHELL, /* the application spawned a shell or downloader */
	MT_STORY_EXEC,              /* docker exec or runtime exec from outside */
	MT_STORY_SETNS,             /* a host process joined the namespaces */
	MT_STORY_UNWANTED_IMAGE,    /* the image's own entrypoint runs it */
	MT_STORY_INIT_TREE,         /* the image's processes started it, no shell spawned */
	MT_STORY_HOST,              /* not in a container */
};

struct mt_entry_story {
	enum mt_story_kind kind;
	int app_index;            /* chain index of the application, -1 */
	int shell_index;          /* chain index of the shell or downloader it spawned, -1 */
	char *image_ref;          /* the reference the container was run with */
	char *image_version;      /* from a label or the tag; NULL = not known */
	char *image_version_from; /* "label org.opencontainers.image.version", "tag" */
	char *exec_id;
	char *exec_user;
	char *exec_command;
	int64_t exec_time_ns; /* the exec's engine event, -1 = not known */
	char *text;           /* the story in one or two sentences */
};

/* Whether the image comes from a registry the user trusts. */
struct mt_registry_check {
	bool checked;   /* trusted registries were given and an image is known */
	bool trusted;   /* the image reference starts with one of them */
	char *image;    /* the reference checked */
	char *registry; /* its registry host */
	char *matched;  /* the trusted prefix it matched, NULL */
	char *text;
};

/* Where an attacker makes sure to come back. */
enum mt_persist_kind {
	MT_PERSIST_CRON = 0,     /* crontabs, /etc/cron.* */
	MT_PERSIST_PRELOAD,      /* /etc/ld.so.preload */
	MT_PERSIST_SSH_KEYS,     /* .ssh/authorized_keys */
	MT_PERSIST_RC_LOCAL,     /* /etc/rc.local */
	MT_PERSIST_INIT_SCRIPT,  /* /etc/init.d */
	MT_PERSIST_SYSTEMD_UNIT, /* systemd units */
	MT_PERSIST_PROFILE,      /* /etc/profile, /etc/profile.d */
	MT_PERSIST_SHELL_RC,     /* a shell's rc files */
};

struct mt_persistence_item {
	enum mt_persist_kind kind;
	bool on_host;     /* a host file, else one of the container's writable layer */
	char *path;       /* inside the container, or on the host */
	int64_t mtime_ns; /* last written: a file time, untrusted */
	uint64_t size;
	char *content; /* its first bytes (MTI_PERSIST_CONTENT), NULL when not read */
	bool content_truncated;
	char *why;
};

struct mt_persistence {
	bool checked_container; /* the writable layer was searched */
	bool checked_host;      /* the host was searched */
	struct mt_persistence_item *items;
	size_t n_items;
	bool truncated; /* more than the cap */
};

/* One TCP socket of the target, from its network namespace's table. */
struct mt_net_conn {
	char *local; /* "127.0.0.1", "[::1]" */
	unsigned local_port;
	char *remote;
	unsigned remote_port;
	char *state;    /* "established", "listen", "syn-sent", ... */
	bool listening; /* a listening socket */
	bool pool_port; /* connected to a port of the miner signatures */
};

struct mt_target_net {
	bool checked;     /* the fds and the table could be read */
	uint64_t netns;   /* the network namespace's inode, 0 = unknown */
	size_t n_sockets; /* socket fds of the process (TCP or not) */
	struct mt_net_conn *conns;
	size_t n_conns;
	bool truncated; /* more than the cap */
};

/* Another container started from the target's image, as the engine lists it. */
struct mt_spread_container {
	char *id;
	char *name;
	char *state;        /* "running", "exited", ... */
	int64_t created_ns; /* engine clock, -1 = not known */
	bool runs_miner;    /* a process of the host in it runs the same binary */
	/* The target's path in its writable layer: -1 not looked at (no upper
	 * dir, over the cap), 0 absent or different, 1 the same file (size and
	 * SHA-256, or size alone when the target was not hashed). */
	int file_in_layer;
};

struct mt_spread_image {
	bool checked;   /* the engine was asked for the image's containers */
	char *image_id; /* the image asked about */
	struct mt_spread_container *containers;
	size_t n_containers;
	bool truncated;          /* more than the cap */
	size_t n_running_miner;  /* containers with runs_miner */
	size_t n_file_in_layer;  /* containers with file_in_layer == 1 */
	size_t layers_looked_at; /* containers whose writable layer was searched */
	char *text;              /* the finding in one sentence, NULL unless checked */
};

/* Another process of the host that runs the same binary. */
struct mt_spread_proc {
	pid_t pid;
	char *comm;
	char *exe_path;     /* as that process sees it */
	char *container_id; /* its container, NULL on the host */
	char *match;        /* "same-file" (the inode), "sha256", "name-and-size" */
};

struct mt_spread {
	bool checked;
	size_t processes_seen;
	struct mt_spread_proc *procs;
	size_t n_procs;
	size_t n_other_containers; /* distinct containers among procs, not the target's */
	bool truncated;
	struct mt_spread_image same_image; /* other containers of the target's image */
};

/* One setting of the miner's own configuration. */
enum mt_miner_setting {
	MT_MINER_POOL = 0, /* a pool URL: what the firewall blocks */
	MT_MINER_USER,     /* the login: usually the wallet address */
	MT_MINER_PASS,     /* the password: usually the worker name */
	MT_MINER_RIG_ID,   /* the worker (rig) name */
	MT_MINER_ALGO,     /* the algorithm */
	MT_MINER_COIN,     /* the coin */
	MT_MINER_DONATE,   /* the donate level, in percent */
	MT_MINER_THREADS,  /* the threads, or xmrig's max-threads-hint */
};

/* A setting, the text it was read from and where. */
struct mt_miner_value {
	enum mt_miner_setting setting;
	char *value;  /* as written (capped at MTI_MINER_VALUE_MAX bytes) */
	char *source; /* "argv", "environ" or the config file's path (in the root) */
	char *name;   /* the option, variable or JSON key: "--url", "POOL_URL", "pools[0].url" */
};

/* The miner's own configuration: argv, environment and a config file. */
struct mt_miner_config {
	bool checked;       /* the target's argv was looked at */
	bool environ_read;  /* its environment could be read */
	char *config_file;  /* the config file read, inside the target's root; NULL */
	char *config_error; /* why a named or present config file gave nothing; NULL */
	struct mt_miner_value *values;
	size_t n_values;
	bool truncated; /* more than the cap */
};

struct mt_postmortem {
	struct mt_timeline timeline;
	struct mt_entry_story story;
	struct mt_registry_check registry;
	struct mt_persistence persistence;
	struct mt_target_net network;
	struct mt_spread spread;
	char *what_happened; /* one paragraph written from the facts above */
	struct mt_miner_config miner_config;
};

struct mt_trace {
	struct mt_evidence evidence;
	pid_t target_pid; /* the process traced: the leader when a thread was given */
	pid_t thread_id;  /* the PID given, when it was a thread of target_pid; 0 */
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
	struct mt_postmortem postmortem;
};

#ifdef __cplusplus
}
#endif

#endif
