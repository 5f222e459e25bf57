/* containerd's native API over gRPC (see containerd_api.h). */
#include "containerd_api.h"

#include <string.h>

enum mt_err mti_ctd_get_container(struct mti_grpc *g, const char *ns, const char *id,
                                  struct mti_ctd_container *out, struct mti_buf *raw, char *msg,
                                  size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_CONTAINER, id, out, raw, msg, msg_len);
}

enum mt_err mti_ctd_get_image(struct mti_grpc *g, const char *ns, const char *name,
                              struct mti_ctd_image *out, struct mti_buf *raw, char *msg,
                              size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_IMAGE, name, out, raw, msg, msg_len);
}

enum mt_err mti_ctd_list_pids(struct mti_grpc *g, const char *ns, const char *id,
                              struct mti_ctd_pids *out, struct mti_buf *raw, char *msg,
                              size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_PIDS, id, out, raw, msg, msg_len);
}

enum mt_err mti_ctd_list_containers(struct mti_grpc *g, const char *ns, const char *image,
                                    struct mti_ctd_container_list *out, struct mti_buf *raw,
                                    char *msg, size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_CONTAINERS, image, out, raw, msg, msg_len);
}

enum mt_err mti_ctd_list_tasks(struct mti_grpc *g, const char *ns, struct mti_ctd_task_list *out,
                               struct mti_buf *raw, char *msg, size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_TASKS, NULL, out, raw, msg, msg_len);
}

enum mt_err mti_ctd_snapshot_mounts(struct mti_grpc *g, const char *ns, const char *snapshot,
                                    struct mti_ctd_mounts *out, struct mti_buf *raw, char *msg,
                                    size_t msg_len)
{
	memset(out, 0, sizeof(*out));
	return mti_grpc_rpc(g, ns, MTI_RPC_CTD_MOUNTS, snapshot, out, raw, msg, msg_len);
}
