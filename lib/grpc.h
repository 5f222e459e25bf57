/* Unary gRPC calls over a runtime's unix socket with libcurl: HTTP/2 with
 * prior knowledge, one connection reused for every call, the run's
 * deadline for all of them, a cap on every reply, the status read from the
 * trailers. The messages are the caller's (protobuf-c, generated at build
 * time); the framing is grpc_frame.c. */
#ifndef MTI_GRPC_H
#define MTI_GRPC_H

#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#include "grpc_decode.h"
#include "util.h"

struct mti_grpc;

/* Creates a client for the unix socket at socket_path. Calls must end by
 * deadline_ms (mti_monotonic_ms clock); a reply body over max_reply bytes
 * is refused. Loads libcurl on first use: MT_ERR_UNSUPPORTED when it cannot
 * be loaded; MT_ERR_NOMEM. msg (msg_len bytes) says why. */
enum mt_err mti_grpc_new(const char *socket_path, int64_t deadline_ms, size_t max_reply,
                         struct mti_grpc **out, char *msg, size_t msg_len);
void mti_grpc_free(struct mti_grpc *g);

/* The containerd namespace sent (containerd-namespace header) with every
 * following call; NULL or "" for none. MT_ERR_INVALID_ARG when ns is not a
 * valid containerd namespace (letters, digits, '.', '_', '-', at most 76
 * bytes, starting with a letter or digit), MT_ERR_NOMEM. */
enum mt_err mti_grpc_set_namespace(struct mti_grpc *g, const char *ns);

/* Calls method ("/containerd.services.containers.v1.Containers/Get") with
 * the req_len bytes of an encoded request. On MT_OK, reply holds the one
 * message of the answer (without its prefix). *status is the grpc-status
 * (-1 when none was read). Errors: those of mti_curl_transport_error, and
 * MT_ERR_ENGINE_REPLY (not HTTP/2 200, not application/grpc, no status,
 * bad framing), MT_ERR_TOO_LARGE, and a non-zero status mapped by
 * mti_grpc_status_err with its name and grpc-message in msg (msg_len
 * bytes). */
enum mt_err mti_grpc_call(struct mti_grpc *g, const char *method, const void *req, size_t req_len,
                          struct mti_buf *reply, int *status, char *msg, size_t msg_len);

/* One call of the clients (containerd_api.c, cri_api.c): rpc's request
 * about id, in the containerd namespace ns for the native API (ignored
 * for the CRI), its reply decoded into out (the struct rpc names, zeroed
 * by the caller, cleared by the caller whatever the result). raw, when
 * not NULL, receives the reply message as it came (--collect, fixtures).
 * Errors: those of mti_grpc_call and of the decoder; MT_ERR_INVALID_ARG
 * for a namespace containerd would refuse. */
enum mt_err mti_grpc_rpc(struct mti_grpc *g, const char *ns, enum mti_rpc rpc, const char *id,
                         void *out, struct mti_buf *raw, char *msg, size_t msg_len);

/* Connections opened so far (1 when every call reused the first). */
long mti_grpc_connections(const struct mti_grpc *g);

#endif
