/* odoo.conf options that exist only in some Odoo series: Odoo ignores an
 * option its series does not have, so the setting silently does nothing. */
#ifndef KG_FACTS_ODOO_OPTIONS_H
#define KG_FACTS_ODOO_OPTIONS_H

struct odoo_option {
	const char *name;
	int since, removed;        /* first series with it (0: before 12), first without it (0: still there) */
	const char *instead;       /* the option that does the job in the other series */
};

/* The versioned option named name, or NULL. */
const struct odoo_option *odoo_option_named(const char *name);
/* Whether series major (12, 16, ...) has the option. */
int odoo_option_in(const struct odoo_option *o, int major);

#endif
