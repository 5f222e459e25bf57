/* The Kubernetes CRI (runtime.v1) over gRPC, as containerd's CRI plugin and
 * CRI-O serve it: a container's status and its pod's, both verbose (pod
 * name, namespace and UID, container name, restart attempt, image and
 * image_ref, labels, annotations, the sandbox ID and PIDs from the verbose
 * info), and the runtime's name and version. No namespace header: the CRI
 * has its own (k8s.io in containerd). */
#ifndef MTI_CRI_API_H
#define MTI_CRI_API_H

#include <stddef.h>

#include <minertrace/model.h>

#include "grpc.h"
#include "grpc_decode.h"

/* Each call fills out (clear it with its _clear function whatever the
 * result); raw, when not NULL, receives the reply message as it came.
 * Errors are those of mti_grpc_call (MT_ERR_NOT_FOUND for an unknown
 * container or pod, MT_ERR_UNSUPPORTED for a runtime without runtime.v1)
 * and of the decoders. msg (msg_len bytes) says why. */
enum mt_err mti_cri_container_status(struct mti_grpc *g, const char *id,
                                     struct mti_cri_container *out, struct mti_buf *raw, char *msg,
                                     size_t msg_len);
enum mt_err mti_cri_pod_status(struct mti_grpc *g, const char *id, struct mti_cri_pod *out,
                               struct mti_buf *raw, char *msg, size_t msg_len);
enum mt_err mti_cri_version(struct mti_grpc *g, struct mti_cri_version *out, struct mti_buf *raw,
                            char *msg, size_t msg_len);

#endif
