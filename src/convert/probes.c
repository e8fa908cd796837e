/* Probe timing from the Compose healthcheck: what the project measured about
 * its own service (how often, how long a check may take, how many failures,
 * how long a start takes) carries over, within bounds that keep the probes
 * useful. */
#include <string.h>

#include "compose/values.h"
#include "convert/context.h"

static int seconds(const char *text, int fallback)
{
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
	const struct healthcheck *hc = s ? &s->health : NULL;
	int start;

	t->period = 10;
	t->timeout = 5;
	t->failures = 3;
	t->startup_failures = (default_start_seconds + 9) / 10;
	t->from_compose = hc && hc->present && !hc->disabled;
	if (!t->from_compose)
		return;
	t->period = clamp(seconds(hc->interval, 10), 5, 60);
	t->timeout = clamp(seconds(hc->timeout, 5), 1, t->period);
	if (hc->has_retries)
		t->failures = clamp(hc->retries, 1, 10);
	/* Startup: the longer of the project's start_period and kgenius's own
	 * allowance for the image (Odoo loading modules, Keycloak building). */
	start = seconds(hc->start_period, 0);
	if (start < default_start_seconds)
		start = default_start_seconds;
	t->startup_failures = clamp((start + t->period - 1) / t->period, 3, 360);
}
