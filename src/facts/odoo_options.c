/* odoo.conf options by series. Sources:
 *   [16] https://github.com/odoo/odoo/blob/16.0/odoo/tools/config.py (gevent_port added; longpolling_port kept as a
 *        deprecated alias: "The longpolling-port is a deprecated alias to the gevent-port option")
 *   [18] https://github.com/odoo/odoo/pull/179724 ("Remove symbols and options deprecated as of Odoo 16", 18.0:
 *        longpolling_port removed) */
#include "facts/odoo_options.h"

#include <string.h>

static const struct odoo_option options[] = {
	{"gevent_port", 16, 0, "longpolling_port"},
	{"longpolling_port", 0, 18, "gevent_port"},
};

const struct odoo_option *odoo_option_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

int odoo_option_in(const struct odoo_option *o, int major)
{
	return (!o->since || major >= o->since) && (!o->removed || major < o->removed);
}
