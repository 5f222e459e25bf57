/* Persistence: what the attacker left behind to come back (crontabs,
 * ld.so.preload, authorized_keys, rc and init scripts, systemd units,
 * profile and shell rc files), in the container's writable layer and,
 * read-only, on the host. */
#ifndef MTI_PERSISTENCE_H
#define MTI_PERSISTENCE_H

#include <minertrace/minertrace.h>

struct mti_host_files;

/* Most files reported, files looked at per directory, bytes of content
 * kept, bytes of a host file searched for the miner's name. */
#define MTI_PERSIST_MAX 128
#define MTI_PERSIST_DIR_MAX 256
#define MTI_PERSIST_CONTENT 4096
#define MTI_PERSIST_HOST_READ (64u * 1024u)

/* Flags the persistence places present in the writable layer upperdir
 * (a file there was added or changed in the container after its image;
 * one that came with the image is in a lower layer and is not drift) and,
 * when host_root is not NULL, the host's (read-only: a non-empty
 * /etc/ld.so.preload; root's crontab, /etc/crontab, /etc/cron.* and
 * systemd units that name the target's binary by path or name). Paths are
 * resolved inside their root and never followed out of it; only regular
 * files are read, never blocking. Results go to t->postmortem.persistence,
 * problems to the warnings. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_persistence_read(struct mt_trace *t, const char *upperdir, const char *host_root,
                                 struct mti_host_files **host_cache);

/* The host's places are read once and kept in *host_cache (NULL at first;
 * the caller frees it with mti_host_files_free when its traces are done):
 * a scan traces many processes, each searches the same files. */
void mti_host_files_free(struct mti_host_files *h);

/* The kind of persistence place path (as seen inside its root) is, or -1.
 * Pure. */
int mti_persistence_kind(const char *path);

#endif
