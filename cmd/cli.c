/* The command line: options, renderer choice, exit codes. */
#include "cli.h"
#include "guard.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
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
	struct mt_scan_options scan;
	enum format format;
	int color; /* -1 auto, 0 never, 1 always */
	bool scan_mode;
	char **report_paths; /* minertrace report FILE|DIR...: argv from here */
	int n_report_paths;
	bool no_reexec;
	bool exit_zero; /* scan, report: 0 also when something is found */
	const char *pid_arg;
	const char *collect_dir;
	const char *config_file; /* NULL: MT_CONFIG_FILE when it exists */
	const char **trusted;    /* --trusted-registry values (argv strings) */
	size_t n_trusted;
	struct mt_config config;
	const char **all_trusted; /* the config file's, then the command line's */
};

#define MT_CONFIG_FILE "/etc/minertrace.conf"
#define MT_TRUSTED_MAX_ARGS 256

enum {
	OPT_COLOR = 256,
	OPT_NO_ENGINE,
	OPT_RUNTIME_ENDPOINT,
	OPT_NO_HASH,
	OPT_HASH,
	OPT_FORMAT,
	OPT_COLLECT,
	OPT_INTERVAL,
	OPT_MIN_SCORE,
	OPT_TOP,
	OPT_SIGNATURES,
	OPT_NO_PROBE,
	OPT_NO_REEXEC,
	OPT_EXIT_ZERO,
	OPT_TRUSTED_REGISTRY,
	OPT_CONFIG,
};

static const struct option long_options[] = {
    {"json", no_argument, NULL, 'j'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"color", required_argument, NULL, OPT_COLOR},
    {"proc-root", required_argument, NULL, 'p'},
    {"docker-host", required_argument, NULL, 'H'},
    {"runtime-endpoint", required_argument, NULL, OPT_RUNTIME_ENDPOINT},
    {"no-engine", no_argument, NULL, OPT_NO_ENGINE},
    {"timeout", required_argument, NULL, 't'},
    {"hash", required_argument, NULL, OPT_HASH},
    {"no-hash", no_argument, NULL, OPT_NO_HASH},
    {"collect", required_argument, NULL, OPT_COLLECT},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"min-score", required_argument, NULL, OPT_MIN_SCORE},
    {"top", required_argument, NULL, OPT_TOP},
    {"signatures", required_argument, NULL, OPT_SIGNATURES},
    {"no-probe", no_argument, NULL, OPT_NO_PROBE},
    {"no-reexec", no_argument, NULL, OPT_NO_REEXEC},
    {"exit-zero", no_argument, NULL, OPT_EXIT_ZERO},
    {"trusted-registry", required_argument, NULL, OPT_TRUSTED_REGISTRY},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fputs(
	    "Usage: minertrace [OPTIONS] PID\n"
	    "       minertrace scan [OPTIONS]\n"
	    "       minertrace report [OPTIONS] FILE|DIR...\n"
	    "\n"
	    "Trace a process to its container, image and entry point: walks the PID's\n"
	    "ancestors in /proc, resolves their cgroups to containers, asks the container\n"
	    "engine about them and tells where the binary came from and how it got in.\n"
	    "'scan' samples every process's CPU, scores each on miner signals and traces\n"
	    "the suspicious ones. 'report' merges the scan and trace JSON documents of\n"
	    "many hosts (files, or directories of *.json) into one fleet report.\n"
	    "\n"
	    "Options:\n"
	    "  -j, --json               print one JSON document (same as --format=json)\n"
	    "      --format=FORMAT      text (default), json or markdown\n"
	    "      --color=WHEN         colour the text output: auto (default), always, never\n"
	    "  -p, --proc-root=DIR      read a captured /proc tree instead of /proc\n"
	    "  -H, --docker-host=URL    engine socket, unix:///path (default: $DOCKER_HOST,\n"
	    "                           then /var/run/docker.sock, then /run/podman/podman.sock)\n"
	    "      --runtime-endpoint=URL  CRI runtime socket, unix:///path, for containers no\n"
	    "                           containerd shim names (default:\n"
	    "                           $CONTAINER_RUNTIME_ENDPOINT, then\n"
	    "                           /run/containerd/containerd.sock,\n"
	    "                           /run/k3s/containerd/containerd.sock,\n"
	    "                           /var/run/crio/crio.sock)\n"
	    "      --no-engine          do not ask the container engine\n"
	    "  -t, --timeout=SECONDS    deadline for all engine requests (default 2; decimal\n"
	    "                           seconds, like 0.5)\n"
	    "      --hash=WHICH         SHA-256 of: container (default: the target and every\n"
	    "                           process inside a container), all, target, none\n"
	    "      --no-hash            same as --hash=none\n"
	    "      --collect=DIR        also save the evidence in DIR (created; must be empty,\n"
	    "                           not a symbolic link): binaries, /proc files, engine\n"
	    "                           replies, reports, hashes\n"
	    "      --no-reexec          when a preload library (rootkit) is loaded into\n"
	    "                           minertrace, report it but do not run again without it\n"
	    "      --trusted-registry=PREFIX\n"
	    "                           an image registry (and path) you trust, repeatable;\n"
	    "                           an image from anywhere else is reported as such\n"
	    "      --config=FILE        read trusted registries from FILE (default:\n"
	    "                           /etc/minertrace.conf when it exists)\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n"
	    "\n"
	    "Scan options:\n"
	    "      --interval=SECONDS   CPU sampling interval (default 1)\n"
	    "      --min-score=N        report processes scoring N or more, 0-100 (default 40)\n"
	    "      --top=N              report at most N processes (default: all)\n"
	    "      --signatures=FILE    more miner names, arguments, algorithms, pool ports\n"
	    "      --no-probe           do not probe every PID for processes hidden from /proc\n"
	    "      --exit-zero          scan, report: exit 0 also when something is found\n"
	    "                           (a Kubernetes init container, a Job)\n"
	    "\n"
	    "Exit status:\n"
	    "  0  traced; scan: nothing suspicious\n"
	    "  1  no such PID, it cannot be read, or it exited or was reused during\n"
	    "     the trace\n"
	    "  2  usage error\n"
	    "  3  the report could not be written (full disk, closed pipe; wins over 1, 5)\n"
	    "  4  minertrace could not run (out of memory, unreadable proc root,\n"
	    "     evidence not collected, report: an input path cannot be read)\n"
	    "  5  scan: suspicious processes found; report: findings on some host\n"
	    "     (not with --exit-zero)\n"
	    "\n"
	    "See minertrace(1).\n",
	    out);
}

/* Ends what went to stdout (what: "the report", ...): flushes it and maps a
 * failed write (a full disk, a closed pipe: SIGPIPE is ignored) or a
 * renderer's error to an exit status, with one line on stderr. */
static int finish_output(enum mt_err err, const char *what)
{
	int write_errno = errno; /* a renderer's failed write, if any */

	if (fflush(stdout) != 0) {
		write_errno = errno;
		err = MT_ERR_IO;
	} else if (ferror(stdout)) {
		err = MT_ERR_IO;
	}
	if (err) {
		fprintf(stderr, "minertrace: cannot write %s: %s\n", what,
		        err == MT_ERR_IO ? strerror(write_errno) : mt_strerror(err));
		return err == MT_ERR_IO ? MT_EXIT_OUTPUT : MT_EXIT_FAILURE;
	}
	return MT_EXIT_OK;
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

/* The one parser of every number on the command line: plain decimal digits
 * and, with fraction, a '.' and more digits ("2", "0.5"), within [min, max].
 * No sign, space, exponent, hexadecimal, inf or nan. */
static bool parse_decimal(const char *s, bool fraction, double min, double max, double *out)
{
	size_t whole, part = 0;
	double v;
	char *end;

	if (!s)
		return false;
	whole = strspn(s, "0123456789");
	if (fraction && whole && s[whole] == '.') {
		part = strspn(s + whole + 1, "0123456789");
		if (!part || part > 9)
			return false;
		part++;
	}
	if (!whole || whole > 10 || s[whole + part] != '\0')
		return false;
	v = strtod(s, &end);
	if (*end || !(v >= min && v <= max))
		return false;
	*out = v;
	return true;
}

/* A whole number in [min, max] (see parse_decimal). */
static bool parse_count(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	double v;

	if (!parse_decimal(s, false, (double)min, (double)max, &v))
		return false;
	*out = (unsigned long)v;
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

static int parse_format(struct cli *cli, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		cli->format = FORMAT_TEXT;
	else if (strcmp(arg, "json") == 0)
		cli->format = FORMAT_JSON;
	else if (strcmp(arg, "markdown") == 0 || strcmp(arg, "md") == 0)
		cli->format = FORMAT_MARKDOWN;
	else
		return usage_error("--format: unknown format '%s' (text, json, markdown)", arg);
	return -1;
}

static int parse_hash(struct cli *cli, const char *arg)
{
	if (strcmp(arg, "container") == 0)
		cli->opts.hash = MT_HASH_CONTAINER;
	else if (strcmp(arg, "all") == 0)
		cli->opts.hash = MT_HASH_ALL;
	else if (strcmp(arg, "target") == 0)
		cli->opts.hash = MT_HASH_TARGET;
	else if (strcmp(arg, "none") == 0)
		cli->opts.hash = MT_HASH_NONE;
	else
		return usage_error("--hash: expected container, all, target or none, not '%s'",
		                   arg);
	return -1;
}

/* One option; returns -1 to go on, or an exit status. */
static int parse_option(struct cli *cli, int c, char **argv)
{
	unsigned long n;
	double secs;

	switch (c) {
	case 'j':
		cli->format = FORMAT_JSON;
		return -1;
	case OPT_FORMAT:
		return parse_format(cli, optarg);
	case OPT_COLOR:
		if (strcmp(optarg, "auto") == 0)
			cli->color = -1;
		else if (strcmp(optarg, "always") == 0)
			cli->color = 1;
		else if (strcmp(optarg, "never") == 0)
			cli->color = 0;
		else
			return usage_error("--color: expected auto, always or never, not '%s'",
			                   optarg);
		return -1;
	case 'p':
		cli->opts.proc_root = optarg;
		return -1;
	case 'H':
		cli->opts.engine_endpoint = optarg;
		return -1;
	case OPT_RUNTIME_ENDPOINT:
		cli->opts.runtime_endpoint = optarg;
		return -1;
	case OPT_NO_ENGINE:
		cli->opts.no_engine = true;
		return -1;
	case 't':
		if (!parse_decimal(optarg, true, 0.05, 600, &secs))
			return usage_error(
			    "--timeout: '%s' is not a number of seconds between 0.05 "
			    "and 600",
			    optarg);
		cli->opts.engine_timeout_ms = (long)(secs * 1000.0);
		return -1;
	case OPT_HASH:
		return parse_hash(cli, optarg);
	case OPT_NO_HASH:
		cli->opts.hash = MT_HASH_NONE;
		return -1;
	case OPT_COLLECT:
		cli->collect_dir = optarg;
		return -1;
	case OPT_INTERVAL:
		if (!parse_decimal(optarg, true, 0, 3600, &cli->scan.interval_s))
			return usage_error(
			    "--interval: '%s' is not a number of seconds between 0 and "
			    "3600",
			    optarg);
		return -1;
	case OPT_MIN_SCORE:
		if (!parse_count(optarg, 0, 100, &n))
			return usage_error("--min-score: '%s' is not a score from 0 to 100",
			                   optarg);
		cli->scan.min_score = (int)n;
		return -1;
	case OPT_TOP:
		if (!parse_count(optarg, 1, 100000, &n))
			return usage_error("--top: '%s' is not a count from 1 to 100000", optarg);
		cli->scan.top = n;
		return -1;
	case OPT_SIGNATURES:
		cli->scan.signatures_file = optarg;
		return -1;
	case OPT_NO_PROBE:
		cli->scan.no_hidden_probe = true;
		return -1;
	case OPT_NO_REEXEC:
		cli->no_reexec = true;
		return -1;
	case OPT_EXIT_ZERO:
		cli->exit_zero = true;
		return -1;
	case OPT_TRUSTED_REGISTRY:
		if (!*optarg)
			return usage_error("--trusted-registry: the prefix is empty");
		if (cli->n_trusted >= MT_TRUSTED_MAX_ARGS)
			return usage_error("--trusted-registry: more than %d", MT_TRUSTED_MAX_ARGS);
		cli->trusted[cli->n_trusted++] = optarg;
		return -1;
	case OPT_CONFIG:
		cli->config_file = optarg;
		return -1;
	case 'h':
		usage(stdout);
		return finish_output(MT_OK, "the help");
	case 'V':
		printf("minertrace %s (%s)\n", MT_VERSION, mt_build_info());
		return finish_output(MT_OK, "the version");
	case ':':
		return usage_error("option '%s' needs a value", argv[optind - 1]);
	default:
		if (optopt >= '0' && optopt <= '9')
			return usage_error("'%s' is not a valid PID (1-4194304)", argv[optind - 1]);
		return usage_error("unknown option '%s'", argv[optind - 1]);
	}
}

/* Reads the configuration file and joins its trusted registries with the
 * command line's into the session options. Returns -1 to go on, or an exit
 * status. */
static int load_config(struct cli *cli)
{
	char detail[512];
	enum mt_err err;
	size_t i, n;

	err = mt_config_read(cli->config_file ? cli->config_file : MT_CONFIG_FILE,
	                     cli->config_file != NULL, &cli->config, detail, sizeof(detail));
	if (err) {
		fprintf(stderr, "minertrace: config: %s\n", detail[0] ? detail : mt_strerror(err));
		return err == MT_ERR_NOMEM ? MT_EXIT_FAILURE : MT_EXIT_USAGE;
	}
	n = cli->config.n_trusted_registries + cli->n_trusted;
	if (!n)
		return -1;
	cli->all_trusted = calloc(n, sizeof(*cli->all_trusted));
	if (!cli->all_trusted) {
		fputs("minertrace: out of memory\n", stderr);
		return MT_EXIT_FAILURE;
	}
	for (i = 0; i < cli->config.n_trusted_registries; i++)
		cli->all_trusted[i] = cli->config.trusted_registries[i];
	for (i = 0; i < cli->n_trusted; i++)
		cli->all_trusted[cli->config.n_trusted_registries + i] = cli->trusted[i];
	cli->opts.trusted_registries = cli->all_trusted;
	cli->opts.n_trusted_registries = n;
	return -1;
}

static void cli_free(struct cli *cli)
{
	mt_config_clear(&cli->config);
	free(cli->all_trusted);
	free(cli->trusted);
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:H:t:hV", long_options, NULL)) != -1)
		if ((rc = parse_option(cli, c, argv)) >= 0)
			return rc;
	if (optind >= argc) {
		usage(stderr);
		return MT_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "scan") == 0) {
		cli->scan_mode = true;
		if (optind + 1 < argc)
			return usage_error("scan takes no PID ('%s' is extra)", argv[optind + 1]);
		if (cli->collect_dir)
			return usage_error(
			    "--collect needs a PID: run it on a finding of the scan");
	} else if (strcmp(argv[optind], "report") == 0) {
		if (optind + 1 >= argc)
			return usage_error("report needs at least one FILE or DIR");
		if (cli->collect_dir)
			return usage_error("--collect needs a PID, not a report");
		cli->report_paths = argv + optind + 1;
		cli->n_report_paths = argc - optind - 1;
	} else {
		if (optind + 1 < argc)
			return usage_error("one PID at a time ('%s' is extra)", argv[optind + 1]);
		cli->pid_arg = argv[optind];
	}
	if (!cli->opts.engine_endpoint) {
		const char *env = getenv("DOCKER_HOST");

		if (env && *env)
			cli->opts.engine_endpoint = env;
	}
	if (!cli->opts.runtime_endpoint) {
		const char *env = getenv("CONTAINER_RUNTIME_ENDPOINT");

		if (env && *env)
			cli->opts.runtime_endpoint = env;
	}
	return -1;
}

static void render_options(const struct cli *cli, struct mt_render_options *ro)
{
	ro->color = MT_COLOR_NEVER;
	ro->width = 0;
	ro->pretty = true;
	if (cli->format == FORMAT_TEXT) {
		ro->color = use_color(cli) ? MT_COLOR_ALWAYS : MT_COLOR_NEVER;
		ro->width = terminal_width();
	}
}

static void progress(double done, void *user)
{
	const struct cli *cli = user;

	if (done > 1)
		done = 1;
	fprintf(stderr, "\rminertrace: sampling CPU for %.1f s ... %3.0f%%", cli->scan.interval_s,
	        done * 100.0);
	fflush(stderr);
}

static int run_scan(struct cli *cli, struct mt_session *session)
{
	struct mt_render_options ro;
	struct mt_scan *scan = NULL;
	char detail[256];
	enum mt_err err;
	bool show_progress = isatty(STDERR_FILENO);
	int rc;

	if (show_progress) {
		cli->scan.progress = progress;
		cli->scan.progress_user = cli;
	}
	err = mt_scan_run(session, &cli->scan, &scan, detail, sizeof(detail));
	if (show_progress)
		fputs("\r\033[K", stderr);
	if (err) {
		fprintf(stderr, "minertrace: scan: %s\n", detail[0] ? detail : mt_strerror(err));
		return err == MT_ERR_INVALID_ARG ? MT_EXIT_USAGE : MT_EXIT_FAILURE;
	}
	render_options(cli, &ro);
	if (cli->format == FORMAT_TEXT)
		err = mt_render_scan_text(scan, &ro, stdout);
	else if (cli->format == FORMAT_JSON)
		err = mt_render_scan_json(scan, &ro, stdout);
	else
		err = mt_render_scan_markdown(scan, &ro, stdout);
	rc = finish_output(err, "the report");
	if (rc == MT_EXIT_OK && scan->n_findings && !cli->exit_zero)
		rc = MT_EXIT_SUSPICIOUS;
	mt_scan_free(scan);
	return rc;
}

/* minertrace report: the documents of many hosts merged into one report.
 * Exit 5 with findings, 4 when an input path could not be read. */
static int run_report(const struct cli *cli)
{
	struct mt_render_options ro;
	struct mt_fleet_reader *reader = mt_fleet_reader_new(NULL);
	struct mt_fleet *fleet = NULL;
	enum mt_err err = reader ? MT_OK : MT_ERR_NOMEM;
	bool unreadable = false;
	int i, rc;

	for (i = 0; i < cli->n_report_paths && !err; i++) {
		err = mt_fleet_add_path(reader, cli->report_paths[i]);
		if (err == MT_ERR_NOT_FOUND || err == MT_ERR_PERMISSION || err == MT_ERR_IO) {
			fprintf(stderr, "minertrace: report: %s: %s\n", cli->report_paths[i],
			        mt_strerror(err));
			unreadable = true;
			err = MT_OK;
		}
	}
	if (!err)
		err = mt_fleet_finish(reader, &fleet);
	else
		mt_fleet_reader_free(reader);
	if (err) {
		fprintf(stderr, "minertrace: report: %s\n", mt_strerror(err));
		return MT_EXIT_FAILURE;
	}
	render_options(cli, &ro);
	if (cli->format == FORMAT_TEXT)
		err = mt_render_fleet_text(fleet, &ro, stdout);
	else if (cli->format == FORMAT_JSON)
		err = mt_render_fleet_json(fleet, &ro, stdout);
	else
		err = mt_render_fleet_markdown(fleet, &ro, stdout);
	rc = finish_output(err, "the report");
	if (rc == MT_EXIT_OK && unreadable)
		rc = MT_EXIT_FAILURE;
	else if (rc == MT_EXIT_OK && fleet->n_findings && !cli->exit_zero)
		rc = MT_EXIT_SUSPICIOUS;
	mt_fleet_free(fleet);
	return rc;
}

static int run_trace(struct cli *cli, struct mt_session *session, pid_t pid)
{
	struct mt_render_options ro;
	struct mt_trace *trace = NULL;
	char detail[256];
	enum mt_err err;
	int rc;

	err = mt_trace_pid(session, pid, &trace);
	if (err) {
		fprintf(stderr, "minertrace: PID %d: %s\n", (int)pid, mt_strerror(err));
		return MT_EXIT_FAILURE;
	}
	if (trace->status == MT_TRACE_NOT_FOUND && cli->format == FORMAT_TEXT) {
		fprintf(stderr, "minertrace: PID %d: no such process\n", (int)pid);
		mt_trace_free(trace);
		return MT_EXIT_NO_PROCESS;
	}
	render_options(cli, &ro);
	if (cli->format == FORMAT_TEXT)
		err = mt_render_text(trace, &ro, stdout);
	else if (cli->format == FORMAT_JSON)
		err = mt_render_json(trace, &ro, stdout);
	else
		err = mt_render_markdown(trace, &ro, stdout);
	rc = finish_output(err, "the report");
	if (rc == MT_EXIT_OK && trace->status != MT_TRACE_COMPLETE)
		rc = MT_EXIT_NO_PROCESS;
	if (cli->collect_dir && trace->chain_len) {
		size_t files = 0;

		err = mt_collect(session, trace, cli->collect_dir, &files, detail, sizeof(detail));
		if (err) {
			fprintf(stderr, "minertrace: --collect: %s\n",
			        detail[0] ? detail : mt_strerror(err));
			rc = MT_EXIT_FAILURE;
		} else {
			fprintf(stderr,
			        "minertrace: evidence of PID %d in %s: %zu files, see "
			        "MANIFEST.sha256\n",
			        (int)pid, cli->collect_dir, files);
		}
	}
	mt_trace_free(trace);
	return rc;
}

int mt_cli_main(int argc, char **argv)
{
	struct cli cli;
	struct mt_session *session = NULL;
	struct mt_preload_report preload;
	char detail[256], **original_argv;
	unsigned long pid = 0;
	enum mt_err err;
	int rc;

	/* A closed stdout is a failed write (status 3), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof(cli));
	mt_options_init(&cli.opts);
	mt_scan_options_init(&cli.scan);
	cli.color = -1;
	/* getopt reorders argv; running again wants it as it was. */
	original_argv = calloc((size_t)argc + 1, sizeof(*original_argv));
	if (!original_argv) {
		fputs("minertrace: out of memory\n", stderr);
		return MT_EXIT_FAILURE;
	}
	memcpy(original_argv, argv, (size_t)argc * sizeof(*argv));
	cli.trusted = calloc(MT_TRUSTED_MAX_ARGS, sizeof(*cli.trusted));
	rc = cli.trusted ? parse_args(argc, argv, &cli) : MT_EXIT_FAILURE;
	if (rc < 0)
		rc = load_config(&cli);
	if (rc >= 0) {
		free(original_argv);
		cli_free(&cli);
		return rc;
	}
	if (cli.report_paths) {
		free(original_argv);
		rc = run_report(&cli);
		cli_free(&cli);
		return rc;
	}
	if (!cli.scan_mode && !parse_count(cli.pid_arg, 1, 4194304, &pid)) {
		free(original_argv);
		cli_free(&cli);
		return usage_error("'%s' is not a valid PID (1-4194304)", cli.pid_arg);
	}
	/* Decided before anything is traced or printed. */
	if (cli.collect_dir &&
	    (err = mt_collect_check_dir(cli.collect_dir, detail, sizeof(detail))) != MT_OK) {
		fprintf(stderr, "minertrace: --collect: %s\n",
		        detail[0] ? detail : mt_strerror(err));
		free(original_argv);
		cli_free(&cli);
		return MT_EXIT_FAILURE;
	}
	/* Before anything is loaded with dlopen (see minertrace/preload.h). */
	mt_guard_preload(original_argv, !cli.no_reexec && !cli.opts.proc_root, &preload);
	free(original_argv);
	err = mt_session_new(&cli.opts, &session, detail, sizeof(detail));
	if (err) {
		mt_preload_report_clear(&preload);
		fprintf(stderr, "minertrace: %s\n", detail[0] ? detail : mt_strerror(err));
		cli_free(&cli);
		return MT_EXIT_FAILURE;
	}
	mt_session_set_preload(session, &preload);
	rc = cli.scan_mode ? run_scan(&cli, session) : run_trace(&cli, session, (pid_t)pid);
	mt_session_free(session);
	cli_free(&cli);
	return rc;
}
