/* Resolving /proc/PID/cgroup to a container: pure, no I/O. */
#ifndef MTI_CGROUP_PATH_H
#define MTI_CGROUP_PATH_H

#include <stddef.h>

#include <minertrace/model.h>

/* At most this many lines and nested containers are kept. */
#define MTI_CGROUP_MAX_LINES 64
#define MTI_CGROUP_MAX_NEST 8

/* Parses the content of /proc/PID/cgroup into out (zeroed first; free with
 * mti_cgroup_info_free). Malformed lines are skipped; a file without any
 * usable line gives scope MT_SCOPE_UNKNOWN and MT_ERR_PARSE. */
enum mt_err mti_cgroup_parse(const char *buf, size_t len, struct mt_cgroup_info *out);

/* Frees what out holds and zeroes it. NULL is allowed. */
void mti_cgroup_info_free(struct mt_cgroup_info *info);

/* Deep copy. */
enum mt_err mti_cgroup_info_copy(const struct mt_cgroup_info *src, struct mt_cgroup_info *dst);

/* The path of the hierarchy carrying controller ("memory", "cpuacct",
 * "pids"; NULL or "" = the v2 line), or NULL when absent. Points into info. */
const char *mti_cgroup_path_for(const struct mt_cgroup_info *info, const char *controller);

#endif
