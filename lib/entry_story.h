/* How the attacker got in, said plainly: an application that spawned a
 * shell, an exec session, an unwanted image. Pure: reads the model only. */
#ifndef MTI_ENTRY_STORY_H
#define MTI_ENTRY_STORY_H

#include <stdbool.h>

#include <minertrace/minertrace.h>

/* True when p is a shell or a downloader (sh, bash, busybox, curl, wget...)
 * or an interpreter running a one-liner (perl -e, python -c...). */
bool mti_is_shell_or_downloader(const struct mt_process *p);

/* The version of the image the container runs: its
 * org.opencontainers.image.version (or version) label, else the tag of the
 * reference it was run with. *from says which. Both new strings (NULL when
 * not known). Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_image_version(const struct mt_engine_container *ec, char **version, char **from);

/* Writes t->postmortem.story from the chain, the entry path (classified
 * first), the verdict and the engine's facts. Returns MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_entry_story_build(struct mt_trace *t);

#endif
