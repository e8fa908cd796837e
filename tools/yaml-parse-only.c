/* Bench baseline: parse YAML files with libfyaml's event API and nothing
 * else, so `make bench` can set kgenius lint's time against the parse. */
#include <libfyaml.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	unsigned long events = 0;

	for (int i = 1; i < argc; i++) {
		struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
		struct fy_parser *fyp = fy_parser_create(&cfg);
		struct fy_event *fye;

		if (!fyp || fy_parser_set_input_file(fyp, argv[i]) != 0) {
			fprintf(stderr, "%s: cannot parse\n", argv[i]);
			return 1;
		}
		while ((fye = fy_parser_parse(fyp)) != NULL) {
			events++;
			fy_parser_event_free(fyp, fye);
		}
		fy_parser_destroy(fyp);
	}
	printf("%lu events\n", events);
	return 0;
}
