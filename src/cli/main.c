/* kgenius: every command but migrate and verify (src/cli/online.c). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, kg_commands);
}
