/* Pure: the replies of containerd's native API and of the CRI, decoded
 * with the protobuf-c code generated at build time into plain structs.
 * Everything in a reply is hostile: strings and lists are capped, PIDs
 * range-checked, a reply about another object than the one asked for is
 * rejected, and what is dropped is said in the struct's notes. No I/O: the
 * calls are containerd_api.c and cri_api.c. */
#ifndef MTI_GRPC_DECODE_H
#define MTI_GRPC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <minertrace/model.h>

#include "util.h"

#define MTI_GRPC_MAX_STRING 4096        /* an ID, name, image reference or digest */
#define MTI_GRPC_MAX_KV 256             /* labels or annotations kept per object */
#define MTI_GRPC_MAX_VALUE (64u * 1024) /* a longer label or annotation value is dropped */
#define MTI_GRPC_MAX_PIDS 4096          /* processes kept of one task */
#define MTI_GRPC_MAX_NOTES 4
#define MTI_GRPC_MAX_LIST 1024 /* containers or tasks kept of one list */

/* What a decoder left out, in words (the caller makes warnings of them). */
struct mti_grpc_notes {
	char text[MTI_GRPC_MAX_NOTES][160];
	size_t n;
	size_t lost; /* notes beyond MTI_GRPC_MAX_NOTES */
};

struct mti_kv {
	char *key;
	char *value;
};

/* Labels or annotations, in the order of the reply. */
struct mti_kv_list {
	struct mti_kv *items;
	size_t n;
	size_t dropped; /* over the cap, too long, or a repeated key */
};

/* The value of key in list, or NULL. */
const char *mti_kv_get(const struct mti_kv_list *list, const char *key);

/* containerd: Containers.Get. */
struct mti_ctd_container {
	char *id;
	char *image; /* the image reference it was created from */
	char *runtime;
	char *snapshotter;
	char *snapshot_key;
	struct mti_kv_list labels;
	int64_t created_ns; /* 0 when absent */
	int64_t updated_ns;
	bool have_spec;            /* the OCI spec was there and parsed */
	struct mt_oci_bundle spec; /* args, root, CRI annotations (path NULL) */
	struct mti_grpc_notes notes;
};

/* containerd: Containers.List filtered on one image: the other containers
 * created from it (their specs are not read). */
struct mti_ctd_container_list {
	struct mti_ctd_container *items;
	size_t n;
	bool truncated; /* over MTI_GRPC_MAX_LIST */
	struct mti_grpc_notes notes;
};

/* containerd: Tasks.List, one task of the namespace. */
struct mti_ctd_task {
	char *container_id;
	pid_t pid;          /* 0 when none or out of range */
	const char *status; /* "created", "running", "stopped", "paused", "pausing", "unknown" */
};

struct mti_ctd_task_list {
	struct mti_ctd_task *items;
	size_t n;
	bool truncated;
	struct mti_grpc_notes notes;
};

/* containerd: Snapshots.Mounts of a container's snapshot: the writable
 * layer's directory when it is an overlay mount. */
struct mti_ctd_mounts {
	char *type;     /* the first mount's type ("overlay", "bind") */
	char *upperdir; /* an absolute path; NULL when not an overlay */
	struct mti_grpc_notes notes;
};

/* containerd: Images.Get. */
struct mti_ctd_image {
	char *name;
	char *media_type;
	char *digest; /* the target's digest ("sha256:...") */
	int64_t size;
	struct mti_kv_list labels;
	int64_t created_ns;
	int64_t updated_ns;
	struct mti_grpc_notes notes;
};

/* containerd: Tasks.ListPids, one process of the task. */
struct mti_ctd_process {
	pid_t pid;
	char *exec_id; /* the exec process's ID; NULL for the task's own processes */
};

struct mti_ctd_pids {
	struct mti_ctd_process *items;
	size_t n;
	bool truncated;
	struct mti_grpc_notes notes;
};

/* CRI: ContainerStatus (verbose). */
struct mti_cri_container {
	char *id;
	char *name; /* metadata.name: the container's name in its pod */
	uint32_t attempt;
	const char *state; /* "created", "running", "exited", "unknown" */
	int64_t created_ns;
	int64_t started_ns;
	int64_t finished_ns;
	int32_t exit_code;
	char *image;     /* image.image: the reference the runtime resolved */
	char *image_ref; /* the digested reference ("...@sha256:...") or image ID */
	char *image_id;
	char *reason;
	char *log_path;
	struct mti_kv_list labels;
	struct mti_kv_list annotations;
	/* from the verbose info (containerd's and CRI-O's "info" key) */
	char *sandbox_id;
	pid_t pid;
	char *runtime_type;
	bool have_privileged; /* CRI-O says; containerd does not */
	bool privileged;
	struct mti_grpc_notes notes;
};

/* CRI: PodSandboxStatus (verbose). */
struct mti_cri_pod {
	char *id;
	char *name;
	char *uid;
	char *namespace;
	uint32_t attempt;
	const char *state; /* "ready", "notready" */
	int64_t created_ns;
	char *runtime_handler;
	struct mti_kv_list labels;
	struct mti_kv_list annotations;
	/* from the verbose info */
	pid_t pid;
	char *sandbox_image; /* containerd: the pause image */
	char *runtime_type;
	struct mti_grpc_notes notes;
};

/* CRI: Version; containerd's Version fills runtime_name ("containerd")
 * and runtime_version only. */
struct mti_cri_version {
	char *version;
	char *runtime_name; /* "containerd", "cri-o" */
	char *runtime_version;
	char *runtime_api_version;
};

/* The calls the clients make: each a method, a request and a decoder. */
enum mti_rpc {
	MTI_RPC_CTD_CONTAINER, /* containerd Containers.Get: struct mti_ctd_container */
	MTI_RPC_CTD_IMAGE,     /* containerd Images.Get: struct mti_ctd_image */
	MTI_RPC_CTD_PIDS,      /* containerd Tasks.ListPids: struct mti_ctd_pids */
	MTI_RPC_CRI_CONTAINER, /* CRI ContainerStatus, verbose: struct mti_cri_container */
	MTI_RPC_CRI_POD,       /* CRI PodSandboxStatus, verbose: struct mti_cri_pod */
	MTI_RPC_CRI_VERSION,   /* CRI Version: struct mti_cri_version */
	MTI_RPC_CTD_VERSION,   /* containerd Version.Version: struct mti_cri_version */
	/* containerd Containers.List of the image id names:
	 * struct mti_ctd_container_list */
	MTI_RPC_CTD_CONTAINERS,
	MTI_RPC_CTD_TASKS,  /* containerd Tasks.List: struct mti_ctd_task_list */
	MTI_RPC_CTD_MOUNTS, /* containerd Snapshots.Mounts, id "SNAPSHOTTER/KEY": struct mti_ctd_mounts */
};

/* The method's path ("/containerd.services.containers.v1.Containers/Get"). */
const char *mti_rpc_method(enum mti_rpc rpc);

/* True for containerd's native API (called in a namespace), false for
 * the CRI. */
bool mti_rpc_namespaced(enum mti_rpc rpc);

/* Appends rpc's packed request about id (a container ID, an image name,
 * a pod sandbox ID, "SNAPSHOTTER/KEY"; Version and Tasks.List take none)
 * to out. MT_ERR_NOMEM; MT_ERR_INVALID_ARG for an image name that is not
 * a plain reference (mti_ctd_plain_reference) or a Mounts id without its
 * slash. */
enum mt_err mti_rpc_request(enum mti_rpc rpc, const char *id, struct mti_buf *out);

/* Decodes a reply of rpc into out, the struct the enum names, with the
 * decoder below. */
enum mt_err mti_rpc_decode(enum mti_rpc rpc, const uint8_t *msg, size_t len, const char *id,
                           void *out, char *why, size_t why_len);

/* Decoders: msg is one reply message of len bytes; out is zeroed first and
 * must be cleared with its _clear function whatever the result. id (or
 * name) is what was asked for: a reply about another object is
 * MT_ERR_ENGINE_REPLY, as is a message that does not decode or lacks the
 * object; MT_ERR_NOMEM. why (why_len bytes) says what was wrong. */
enum mt_err mti_ctd_container_decode(const uint8_t *msg, size_t len, const char *id,
                                     struct mti_ctd_container *out, char *why, size_t why_len);
enum mt_err mti_ctd_image_decode(const uint8_t *msg, size_t len, const char *name,
                                 struct mti_ctd_image *out, char *why, size_t why_len);
/* An empty list is a valid answer (a task with no process left). */
enum mt_err mti_ctd_pids_decode(const uint8_t *msg, size_t len, struct mti_ctd_pids *out, char *why,
                                size_t why_len);
enum mt_err mti_cri_container_decode(const uint8_t *msg, size_t len, const char *id,
                                     struct mti_cri_container *out, char *why, size_t why_len);
enum mt_err mti_cri_pod_decode(const uint8_t *msg, size_t len, const char *id,
                               struct mti_cri_pod *out, char *why, size_t why_len);
enum mt_err mti_cri_version_decode(const uint8_t *msg, size_t len, struct mti_cri_version *out,
                                   char *why, size_t why_len);
/* Containers.List: every record must be of image name (else dropped with
 * a note); an empty list is a valid answer. */
enum mt_err mti_ctd_container_list_decode(const uint8_t *msg, size_t len, const char *name,
                                          struct mti_ctd_container_list *out, char *why,
                                          size_t why_len);
/* Tasks.List: a task's container is its container_id, else its ID;
 * tasks with neither are dropped. */
enum mt_err mti_ctd_task_list_decode(const uint8_t *msg, size_t len,
                                     struct mti_ctd_task_list *out, char *why, size_t why_len);
/* Snapshots.Mounts: a reply without any mount is MT_ERR_ENGINE_REPLY. */
enum mt_err mti_ctd_mounts_decode(const uint8_t *msg, size_t len, struct mti_ctd_mounts *out,
                                  char *why, size_t why_len);
/* Whether name can be asked for in a containerd filter as it is: 1 to
 * MTI_GRPC_MAX_STRING bytes of letters, digits and ._-:/@+ (an image
 * reference's characters), never an image ID ("sha256:..."). */
bool mti_ctd_plain_reference(const char *name);

/* containerd's Version: a reply without a version is MT_ERR_ENGINE_REPLY. */
enum mt_err mti_ctd_version_decode(const uint8_t *msg, size_t len, struct mti_cri_version *out,
                                   char *why, size_t why_len);

void mti_ctd_container_clear(struct mti_ctd_container *c);
void mti_ctd_image_clear(struct mti_ctd_image *im);
void mti_ctd_container_list_clear(struct mti_ctd_container_list *l);
void mti_ctd_task_list_clear(struct mti_ctd_task_list *l);
void mti_ctd_mounts_clear(struct mti_ctd_mounts *m);
void mti_ctd_pids_clear(struct mti_ctd_pids *p);
void mti_cri_container_clear(struct mti_cri_container *c);
void mti_cri_pod_clear(struct mti_cri_pod *p);
void mti_cri_version_clear(struct mti_cri_version *v);

#endif
