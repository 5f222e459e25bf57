/* The command line: options, renderer choice, exit codes. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_MARKDOWN,
};

struct cli {
	struct mt_options opts;
	enum format format;
	int color; /* -1 auto, 0 never, 1 always */
	const char *pid_arg;
	const char *collect_dir;
};

enum {
	OPT_COLOR = 256,
	OPT_NO_ENGINE,
	OPT_NO_HASH,
	OPT_HASH,
	OPT_COLLECT,
	OPT_FORMAT,
};

static const struct option long_options[] = {
    {"json", no_argument, NULL, 'j'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"color", required_argument, NULL, OPT_COLOR},
    {"proc-root", required_argument, NULL, 'p'},
    {"docker-host", required_argument, NULL, 'H'},
    {"no-engine", no_argument, NULL, OPT_NO_ENGINE},
    {"timeout", required_argument, NULL, 't'},
    {"hash", required_argument, NULL, OPT_HASH},
    {"collect", required_argument, NULL, OPT_COLLECT},
    {"no-hash", no_argument, NULL, OPT_NO_HASH},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fputs(
	    "Usage: minertrace [OPTIONS] PID\n"
	    "\n"
	    "Trace a process to its container, image and entry point: walks the PID's\n"
	    "ancestors in /proc, resolves their cgroups to containers, asks the container\n"
	    "engine about them and tells where the binary came from and how it got in.\n"
	    "\n"
	    "Options:\n"
	    "  -j, --json               print one JSON document (same as --format=json)\n"
	    "      --format=FORMAT      text (default), json or markdown\n"
	    "      --color=WHEN         colour the text output: auto (default), always, never\n"
	    "  -p, --proc-root=DIR      read a captured /proc tree instead of /proc\n"
	    "  -H, --docker-host=URL    engine socket, unix:///path (default: $DOCKER_HOST,\n"
	    "                           then /var/run/docker.sock, then /run/podman/podman.sock)\n"
	    "      --no-engine          do not ask the container engine\n"
	    "  -t, --timeout=SECONDS    deadline for all engine requests (default 2)\n"
	    "      --hash=WHICH         SHA-256 of: container (default: the target and every\n"
	    "                           process inside a container), all, target, none\n"
	    "      --no-hash            same as --hash=none\n"
	    "      --collect=DIR        also save the evidence in DIR (created; must be empty):\n"
	    "                           binaries, /proc files, engine replies, reports, hashes\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n"
	    "\n"
	    "Exit status:\n"
	    "  0  traced\n"
	    "  1  no such PID, or it exited or was reused during the trace\n"
	    "  2  usage error\n"
	    "  3  the report could not be written\n"
	    "  4  minertrace could not run (out of memory, unreadable proc root,\n"
	    "     evidence not collected)\n"
	    "\n"
	    "See minertrace(1).\n",
	    out);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("minertrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return MT_EXIT_USAGE;
}

/* Parses a PID: digits only, 1..4194304. */
static bool parse_pid(const char *s, pid_t *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 4194304)
		return false;
	*out = (pid_t)v;
	return true;
}

/* Parses seconds like "2" or "0.5" into ms, 50 ms .. 10 min. */
static bool parse_seconds(const char *s, long *ms)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.05 && v <= 600))
		return false;
	*ms = (long)(v * 1000.0);
	return true;
}

static bool use_color(const struct cli *cli)
{
	const char *no_color = getenv("NO_COLOR");

	if (cli->color >= 0)
		return cli->color == 1;
	return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

static unsigned terminal_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || !ws.ws_col)
		return 0;
	return ws.ws_col;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:H:t:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli->format = FORMAT_JSON;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				cli->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				cli->format = FORMAT_JSON;
			else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
				cli->format = FORMAT_MARKDOWN;
			else
				return usage_error(
				    "--format: unknown format '%s' (text, json, markdown)", optarg);
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				cli->color = -1;
			else if (strcmp(optarg, "always") == 0)
				cli->color = 1;
			else if (strcmp(optarg, "never") == 0)
				cli->color = 0;
			else
				return usage_error(
				    "--color: expected auto, always or never, not '%s'", optarg);
			break;
		case 'p':
			cli->opts.proc_root = optarg;
			break;
		case 'H':
			cli->opts.engine_endpoint = optarg;
			break;
		case OPT_NO_ENGINE:
			cli->opts.no_engine = true;
			break;
		case 't':
			if (!parse_seconds(optarg, &cli->opts.engine_timeout_ms))
				return usage_error("--timeout: '%s' is not a number of seconds "
				                   "between 0.05 and 600",
				                   optarg);
			break;
		case OPT_COLLECT:
			cli->collect_dir = optarg;
			break;
		case OPT_NO_HASH:
			cli->opts.hash = MT_HASH_NONE;
			break;
		case OPT_HASH:
			if (strcmp(optarg, "container") == 0)
				cli->opts.hash = MT_HASH_CONTAINER;
			else if (strcmp(optarg, "all") == 0)
				cli->opts.hash = MT_HASH_ALL;
			else if (strcmp(optarg, "target") == 0)
				cli->opts.hash = MT_HASH_TARGET;
			else if (strcmp(optarg, "none") == 0)
				cli->opts.hash = MT_HASH_NONE;
			else
				return usage_error(
				    "--hash: expected container, all, target or none, "
				    "not '%s'",
				    optarg);
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? MT_EXIT_OK : MT_EXIT_OUTPUT;
		case 'V':
			printf("minertrace %s\n", MT_VERSION);
			return fflush(stdout) == 0 && !ferror(stdout) ? MT_EXIT_OK : MT_EXIT_OUTPUT;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt >= '0' && optopt <= '9')
				return usage_error("'%s' is not a valid PID (1-4194304)",
				                   argv[optind - 1]);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return MT_EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return usage_error("one PID at a time ('%s' is extra)", argv[optind + 1]);
	cli->pid_arg = argv[optind];
	if (!cli->opts.engine_endpoint) {
		const char *env = getenv("DOCKER_HOST");

		if (env && *env)
			cli->opts.engine_endpoint = env;
	}
	return -1;
}

/* Writes the report; returns an exit status. */
static int render(const struct cli *cli, const struct mt_trace *trace)
{
	struct mt_render_options ro = {MT_COLOR_NEVER, 0, true};
	enum mt_err err;

	if (cli->format == FORMAT_TEXT) {
		ro.color = use_color(cli) ? MT_COLOR_ALWAYS : MT_COLOR_NEVER;
		ro.width = terminal_width();
		err = mt_render_text(trace, &ro, stdout);
	} else if (cli->format == FORMAT_JSON) {
		err = mt_render_json(trace, &ro, stdout);
	} else {
		err = mt_render_markdown(trace, &ro, stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		err = MT_ERR_IO;
	if (err) {
		fprintf(stderr, "minertrace: cannot write the report: %s\n",
		        err == MT_ERR_IO ? strerror(errno) : mt_strerror(err));
		return err == MT_ERR_IO ? MT_EXIT_OUTPUT : MT_EXIT_FAILURE;
	}
	return MT_EXIT_OK;
}

int mt_cli_main(int argc, char **argv)
{
	struct cli cli;
	struct mt_session *session = NULL;
	struct mt_trace *trace = NULL;
	char detail[256];
	enum mt_err err;
	pid_t pid;
	int rc;

	memset(&cli, 0, sizeof(cli));
	mt_options_init(&cli.opts);
	cli.color = -1;
	rc = parse_args(argc, argv, &cli);
	if (rc >= 0)
		return rc;
	if (!parse_pid(cli.pid_arg, &pid))
		return usage_error("'%s' is not a valid PID (1-4194304)", cli.pid_arg);
	if (cli.collect_dir && mt_collect_check_dir(cli.collect_dir) != MT_OK) {
		fprintf(stderr, "minertrace: --collect %s: not an empty directory\n",
		        cli.collect_dir);
		return MT_EXIT_FAILURE;
	}
	err = mt_session_new(&cli.opts, &session, detail, sizeof(detail));
	if (err) {
		fprintf(stderr, "minertrace: %s\n", detail[0] ? detail : mt_strerror(err));
		return MT_EXIT_FAILURE;
	}
	err = mt_trace_pid(session, pid, &trace);
	if (err) {
		fprintf(stderr, "minertrace: PID %d: %s\n", (int)pid, mt_strerror(err));
		mt_session_free(session);
		return MT_EXIT_FAILURE;
	}
	if (trace->status == MT_TRACE_NOT_FOUND && cli.format == FORMAT_TEXT) {
		fprintf(stderr, "minertrace: PID %d: no such process\n", (int)pid);
		rc = MT_EXIT_NO_PROCESS;
	} else {
		rc = render(&cli, trace);
		if (rc == MT_EXIT_OK && trace->status != MT_TRACE_COMPLETE)
			rc = MT_EXIT_NO_PROCESS;
	}
	if (cli.collect_dir && trace->chain_len) {
		size_t files = 0;

		err = mt_collect(session, trace, cli.collect_dir, &files, detail, sizeof(detail));
		if (err) {
			fprintf(stderr, "minertrace: --collect: %s\n",
			        detail[0] ? detail : mt_strerror(err));
			rc = MT_EXIT_FAILURE;
		} else {
			fprintf(stderr,
			        "minertrace: evidence of PID %d in %s: %zu files, see "
			        "MANIFEST.sha256\n",
			        (int)pid, cli.collect_dir, files);
		}
	}
	mt_trace_free(trace);
	mt_session_free(session);
	return rc;
}
