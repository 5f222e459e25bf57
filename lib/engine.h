/* The Docker Engine API backend of the runtime interface (runtime.h),
 * also served by Podman: mti_runtime_docker. Raw replies are cached per
 * container for the whole session: one set of requests per distinct
 * container per run. */
#ifndef MTI_ENGINE_H
#define MTI_ENGINE_H

#include <minertrace/minertrace.h>

#include "runtime.h"

/* The API versions we know, 1.24 to 1.45: an engine in that range is
 * spoken to in its own, a newer one in 1.45. An older one is spoken to in
 * its own too, with a warning, and what its API could not tell (exec
 * session PIDs, from 1.25) is not trusted. */
#define MTI_API_MAJOR 1
#define MTI_API_MAX_MINOR 45
#define MTI_API_MIN_MINOR 24
#define MTI_API_EXEC_PID_MINOR 25

/* Resolves an endpoint ("unix:///path", "/path" or NULL for the default
 * sockets) to a socket path (*path, caller frees). MT_ERR_UNSUPPORTED for
 * anything that is not a unix socket. */
enum mt_err mti_engine_socket_path(const char *endpoint, char **path);

#endif
