/* Miner signatures: names, command-line giveaways, algorithms, pool ports.
 * The built-in list is lib/miner-signatures.txt, compiled in. */
#ifndef MTI_SIGNATURES_H
#define MTI_SIGNATURES_H

#include <stdbool.h>
#include <stddef.h>

#include <minertrace/model.h>

struct mti_signatures {
	char **names;
	size_t n_names;
	char **args;
	size_t n_args;
	char **algos;
	size_t n_algos;
	unsigned short *ports;
	size_t n_ports;
};

/* Parses "KIND VALUE" lines into sigs (adding to what it holds). Unknown
 * kinds and bad ports are errors: *bad_line says which line. */
enum mt_err mti_signatures_parse(struct mti_signatures *sigs, const char *text, size_t len,
                                 size_t *bad_line);

/* The built-in list. */
enum mt_err mti_signatures_builtin(struct mti_signatures *sigs);

void mti_signatures_free(struct mti_signatures *sigs);

/* The matching entry, or NULL. name: whole, case-insensitive. */
const char *mti_signature_name(const struct mti_signatures *sigs, const char *name);
/* The first arg giveaway found in any of argv (substring). */
const char *mti_signature_arg(const struct mti_signatures *sigs, char *const *argv, size_t argc);
/* The algorithm given with -a/--algo (next arg or --algo=X), if listed. */
const char *mti_signature_algo(const struct mti_signatures *sigs, char *const *argv, size_t argc);
bool mti_signature_port(const struct mti_signatures *sigs, unsigned port);

#endif
