/* Spread: other processes of the host that run the target's binary, and
 * the containers they run in. */
#ifndef MTI_SPREAD_H
#define MTI_SPREAD_H

#include <minertrace/minertrace.h>

#include "procfs.h"
#include "runtime.h"

struct mti_exe_index;

/* Most processes looked at, and matches kept. */
#define MTI_SPREAD_SCAN 65536
#define MTI_SPREAD_MAX 256
/* Most executables whose hash a session keeps. */
#define MTI_SPREAD_HASHED 1024
/* Most writable layers of the same image's containers searched. */
#define MTI_SPREAD_LAYERS 16

/* Which match, if any, an executable of size and SHA-256 (sha256 "" when
 * not computed) is to the target's: "same-file" (same device and inode),
 * "sha256", or, when the target has no hash, "name-and-size". NULL when it
 * is none. Pure. */
const char *mti_spread_match(const struct mt_exe *target, const char *name, uint64_t size,
                             unsigned dev_major, unsigned dev_minor, uint64_t ino,
                             const char *sha256);

/* Live traces: looks through every process of the proc root for the
 * target's binary (hashing only files of the same size) into
 * t->postmortem.spread, with the container of each from its cgroup. The
 * processes and their executables' identities are listed once per session
 * (*index, NULL at first, freed with mti_exe_index_free: a scan's findings
 * share it) and each file is hashed once; a process of the target's size
 * is read again when it is looked at. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_spread_read(const struct mti_procfs *pfs, struct mti_exe_index **index,
                            struct mt_trace *t);

/* Frees a session's index of executables (NULL is fine). */
void mti_exe_index_free(struct mti_exe_index *x);

/* Marks the same image's containers in which a process of sp->procs runs,
 * and counts them. Pure. */
void mti_spread_mark_running(struct mt_spread *sp);

/* Whether the target's path, resolved inside the writable layer upper_fd,
 * is a regular file of its size and SHA-256 (size alone when the target
 * was not hashed): 1, else 0. Never blocks, never leaves the layer. */
int mti_spread_file_in_layer(int upper_fd, const struct mt_exe *target);

/* Writes si->text from its counts ("2 more containers of the same image;
 * the same miner runs in 1 of them; the same file lies in ..."). Returns
 * MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_spread_image_words(struct mt_spread_image *si);

/* When the target's container has an engine image ID: the other containers
 * of that image (one request to the runtime rt; nothing when rt is NULL),
 * whether the miner runs in each (after mti_spread_read), and whether its
 * file lies in their writable layers (at most MTI_SPREAD_LAYERS, one
 * inspect each unless cached). Failures become warnings; returns MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_spread_containers(struct mti_runtime *rt, const struct mti_procfs *pfs,
                                  struct mt_trace *t);

#endif
