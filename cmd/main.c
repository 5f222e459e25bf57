/* minertrace: from a host PID to its container, image and entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
	return mt_cli_main(argc, argv);
}
