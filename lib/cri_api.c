/* The CRI over gRPC (see cri_api.h). */
#include "cri_api.h"

#include <string.h>

enum mt_err mti_cri_container_status(struct mti_grpc *g, const char *id,
                                     struct mti_cri_container *out, struct mti_buf *raw, char *msg,
                                     size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, NULL, MTI_RPC_CRI_CONTAINER, id, out, raw, msg, msg_len);
}

enum mt_err mti_cri_pod_status(struct mti_grpc *g, const char *id, struct mti_cri_pod *out,
                               struct mti_buf *raw, char *msg, size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, NULL, MTI_RPC_CRI_POD, id, out, raw, msg, msg_len);
}

enum mt_err mti_cri_version(struct mti_grpc *g, struct mti_cri_version *out, struct mti_buf *raw,
                            char *msg, size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, NULL, MTI_RPC_CRI_VERSION, NULL, out, raw, msg, msg_len);
}
