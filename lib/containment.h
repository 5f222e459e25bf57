/* Containment commands that fit the runtime and the orchestrator that own a
 * container: never docker's for a container that is not Docker's. Pure:
 * the renderers quote the words. */
#ifndef MTI_CONTAINMENT_H
#define MTI_CONTAINMENT_H

#include <stddef.h>

#include <minertrace/minertrace.h>

#define MTI_CMD_MAX_WORDS 8
#define MTI_CMD_MAX 3

/* One command line: words[0..n) (program first); literal words are
 * program names and flags, the others are data to quote. */
struct mti_command {
	const char *words[MTI_CMD_MAX_WORDS];
	size_t n;
};

/* The commands that stop and remove container c, run in turn (joined with
 * &&): at most MTI_CMD_MAX into out; returns how many (0: the runtime is not
 * known: no command is guessed). shortid is scratch for a 12-character ID
 * (at least 16 bytes); the words point into c, shortid or static text. */
size_t mti_containment_stop(const struct mt_container *c, char *shortid, size_t shortid_size,
                            struct mti_command out[MTI_CMD_MAX]);

/* The command that removes c's image from this host into out; false when
 * the runtime or the image is not known. */
bool mti_containment_rmi(const struct mt_container *c, struct mti_command *out);

/* How a process is started in a running container of c's runtime, for
 * people ("docker exec", "kubectl exec", "ctr tasks exec"...). */
const char *mti_containment_exec_words(const struct mt_container *c);

#endif
