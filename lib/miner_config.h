/* The miner's own configuration: pool URLs, wallet, worker, algorithm,
 * donate level and threads, from the target's argv, its environment and a
 * config file (named with -c/--config, else config.json beside the binary).
 * The parsers are pure (buffer in, settings appended); the reader opens the
 * file inside the target's root only (RESOLVE_IN_ROOT, no symlink, regular
 * file, never blocking, at most MTI_MINER_FILE_MAX bytes). */
#ifndef MTI_MINER_CONFIG_H
#define MTI_MINER_CONFIG_H

#include <stddef.h>

#include <minertrace/minertrace.h>

#define MTI_MINER_VALUES 64               /* settings kept */
#define MTI_MINER_VALUE_MAX 512           /* bytes kept of one value */
#define MTI_MINER_FILE_MAX (256u * 1024u) /* a config file larger is refused */
#define MTI_MINER_ENVIRON_MAX (64u * 1024u)
#define MTI_MINER_POOLS 16 /* pools[] entries looked at */

/* Appends the settings of argv (xmrig, cpuminer and xmr-stak options, long
 * and short, "--opt=value", "--opt value", "-ovalue"). *config (caller
 * frees, may stay NULL) receives the last -c/--config FILE. MT_ERR_NOMEM
 * only. */
enum mt_err mti_miner_config_argv(struct mt_miner_config *mc, char *const *argv, size_t argc,
                                  char **config);

/* Appends the settings of an environment block (NAME=value records
 * separated by NUL bytes, len bytes, need not end in NUL): only variables
 * that name a miner setting (POOL_URL, WALLET, MINER_USER...). */
enum mt_err mti_miner_config_environ(struct mt_miner_config *mc, const char *buf, size_t len);

/* Appends the settings of a JSON config (xmrig's pools[].url/user/pass/
 * rig-id/algo/coin, donate-level, cpu.max-threads-hint; cpuminer's top-level
 * url/user/pass/algo/threads), each with source path. MT_ERR_PARSE when
 * buf is not a JSON object. */
enum mt_err mti_miner_config_json(struct mt_miner_config *mc, const char *buf, size_t len,
                                  const char *path);

/* Reads the configuration of t's target (chain[0]) through dirfd, its
 * /proc directory: argv from the chain, environ, the config file. What
 * cannot be read becomes a warning; MT_ERR_NOMEM only. */
enum mt_err mti_miner_config_read(struct mt_trace *t, int dirfd);

#endif
