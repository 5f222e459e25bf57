/* The command line: options, renderer choice, exit codes. */
#ifndef MT_CLI_H
#define MT_CLI_H

/* Exit statuses (documented in minertrace(1) and README). */
enum mt_exit {
	MT_EXIT_OK = 0,         /* traced; scan: nothing suspicious */
	MT_EXIT_NO_PROCESS = 1, /* PID not found or unreadable, or it exited/was reused */
	MT_EXIT_USAGE = 2,      /* bad command line */
	MT_EXIT_OUTPUT = 3,     /* the report could not be written */
	MT_EXIT_FAILURE = 4,    /* could not run: no memory, unreadable proc root, ... */
	MT_EXIT_SUSPICIOUS = 5, /* scan: suspicious processes found */
};

int mt_cli_main(int argc, char **argv);

#endif
