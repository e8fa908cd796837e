/* kgenius-online: migrate and verify, which kgenius hands over (src/cli/online.c). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, kg_online_commands);
}
