/* Probe timing from the Compose healthcheck: what the project measured about
 * its own service (how often, how long a check may take, how many failures,
 * how long a start takes) carries over, within bounds that keep the probes
 * useful. */
#include <string.h>

#include "compose/values.h"
#include "convert/context.h"

static int seconds(const struct ynode *hc, const char *key, int fallback)
{
	const char *text = y_text(y_get(hc, key));
	const char *err;
	int64_t ns;

	if (!text || parse_duration(text, &ns, &err) != 0)
		return fallback;
	return (int)((ns + 999999999) / 1000000000);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void probe_timing(const struct service *s, struct probe_timing *t, int default_start_seconds)
{
	const struct ynode *hc = s ? y_get(s->def, "healthcheck") : NULL;
	const struct ynode *disabled = y_get(hc, "disable");
	const struct ynode *retries = y_get(hc, "retries");
	int start;

	t->period = 10;
	t->timeout = 5;
	t->failures = 3;
	t->startup_failures = (default_start_seconds + 9) / 10;
	t->from_compose = hc && !(disabled && disabled->b);
	if (!t->from_compose)
		return;
	t->period = clamp(seconds(hc, "interval", 10), 5, 60);
	t->timeout = clamp(seconds(hc, "timeout", 5), 1, t->period);
	if (retries && retries->kind == Y_INT)
		t->failures = clamp((int)retries->i, 1, 10);
	/* Startup: the longer of the project's start_period and kgenius's own
	 * allowance for the image (Odoo loading modules, Keycloak building). */
	start = seconds(hc, "start_period", 0);
	if (start < default_start_seconds)
		start = default_start_seconds;
	t->startup_failures = clamp((start + t->period - 1) / t->period, 3, 360);
}
