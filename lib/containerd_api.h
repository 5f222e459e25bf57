/* containerd's native API over gRPC: the container record (image, labels,
 * runtime, OCI spec), its image (target digest) and the processes of its
 * task with the exec ID of each (Tasks.ListPids: `ctr tasks exec`,
 * `kubectl exec` through the CRI); the other containers of an image, the
 * tasks' states and a snapshot's writable layer. Every call is made in the container's
 * containerd namespace, on the client's one connection. */
#ifndef MTI_CONTAINERD_API_H
#define MTI_CONTAINERD_API_H

#include <stddef.h>

#include <minertrace/model.h>

#include "grpc.h"
#include "grpc_decode.h"

/* Each call: ns is the containerd namespace (default, k8s.io, moby...),
 * id or name what is asked for; out is filled (clear it with its _clear
 * function whatever the result); raw, when not NULL, receives the reply
 * message as it came. Errors are those of mti_grpc_call (MT_ERR_NOT_FOUND
 * for an unknown container, image or task) and of the decoders;
 * MT_ERR_INVALID_ARG for a namespace containerd would refuse. msg (msg_len
 * bytes) says why. */
enum mt_err mti_ctd_get_container(struct mti_grpc *g, const char *ns, const char *id,
                                  struct mti_ctd_container *out, struct mti_buf *raw, char *msg,
                                  size_t msg_len);
enum mt_err mti_ctd_get_image(struct mti_grpc *g, const char *ns, const char *name,
                              struct mti_ctd_image *out, struct mti_buf *raw, char *msg,
                              size_t msg_len);
enum mt_err mti_ctd_list_pids(struct mti_grpc *g, const char *ns, const char *id,
                              struct mti_ctd_pids *out, struct mti_buf *raw, char *msg,
                              size_t msg_len);
/* The containers created from image (a plain reference: see
 * mti_ctd_plain_reference), every task of the namespace, and the mounts
 * of a snapshot ("SNAPSHOTTER/KEY"): what the spread asks. */
enum mt_err mti_ctd_list_containers(struct mti_grpc *g, const char *ns, const char *image,
                                    struct mti_ctd_container_list *out, struct mti_buf *raw,
                                    char *msg, size_t msg_len);
enum mt_err mti_ctd_list_tasks(struct mti_grpc *g, const char *ns, struct mti_ctd_task_list *out,
                               struct mti_buf *raw, char *msg, size_t msg_len);
enum mt_err mti_ctd_snapshot_mounts(struct mti_grpc *g, const char *ns, const char *snapshot,
                                    struct mti_ctd_mounts *out, struct mti_buf *raw, char *msg,
                                    size_t msg_len);

#endif
