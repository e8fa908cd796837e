/* verify's report: text for people, JSON for programs. */
#include "migrate/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

void vreport_free(struct vreport *rep)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		struct vdb *db = &rep->dbs[k];

		for (size_t i = 0; i < db->ntables; i++) {
			free(db->tables[i].qname);
			free(db->tables[i].note);
			for (size_t j = 0; j < db->tables[i].nkeys; j++)
				free(db->tables[i].keys[j]);
			free(db->tables[i].keys);
		}
		free(db->tables);
		for (size_t i = 0; i < db->ndiffs; i++) {
			free(db->diffs[i].kind);
			free(db->diffs[i].item);
			free(db->diffs[i].detail);
		}
		free(db->diffs);
		free(db->src_db);
		free(db->dst_db);
	}
	memset(rep, 0, sizeof(*rep));
}

size_t vdb_differences(const struct vdb *db)
{
	size_t n = db->ndiffs + db->more_diffs;

	/* a table whose contents differ is a difference too */
	for (size_t i = 0; i < db->ntables; i++)
		n += !db->tables[i].match;
	return n;
}

void vreport_text(const struct vreport *rep, struct buf *b)
{
	for (size_t k = 0; k < rep->ndbs; k++) {
		const struct vdb *db = &rep->dbs[k];
		size_t same = 0, ndiff = vdb_differences(db);
		long long rows = 0;

		for (size_t i = 0; i < db->ntables; i++) {
			same += db->tables[i].match;
			rows += db->tables[i].src_rows;
		}
		buf_printf(b, "verify %s -> %s: %s: %zu/%zu tables identical (%lld rows), %zu sequences, %zu large objects, %zu difference%s, %.2f s\n",
			   db->src_db, db->dst_db, db->ok ? "OK" : "DIFFERENT", same, db->ntables, rows, db->sequences, db->large_objects,
			   ndiff, ndiff == 1 ? "" : "s", db->seconds);
		for (size_t i = 0; i < db->ntables; i++) {
			const struct vtable *vt = &db->tables[i];

			if (vt->match)
				continue;
			buf_printf(b, "  table %s: source %lld rows, target %lld rows, contents differ\n", vt->qname,
				   vt->src_rows, vt->dst_rows);
			for (size_t j = 0; j < vt->nkeys; j++)
				buf_printf(b, "    key %s\n", vt->keys[j]);
			if (vt->more_keys)
				buf_printf(b, "    ... and %zu more keys\n", vt->more_keys);
			if (vt->note)
				buf_printf(b, "    %s\n", vt->note);
		}
		for (size_t i = 0; i < db->ndiffs; i++)
			buf_printf(b, "  %s %s: %s\n", db->diffs[i].kind, db->diffs[i].item,
				   db->diffs[i].detail ? db->diffs[i].detail : "");
		if (db->more_diffs)
			buf_printf(b, "  ... and %zu more differences\n", db->more_diffs);
	}
}

void vreport_json(const struct vreport *rep, struct buf *b)
{
	buf_printf(b, "{\"ok\":%s,\"databases\":[", rep->ok ? "true" : "false");
	for (size_t k = 0; k < rep->ndbs; k++) {
		const struct vdb *db = &rep->dbs[k];

		buf_puts(b, k ? ",{\"source\":" : "{\"source\":");
		json_string(b, db->src_db);
		buf_puts(b, ",\"target\":");
		json_string(b, db->dst_db);
		buf_printf(b, ",\"ok\":%s,\"seconds\":%.3f,\"sequences\":%zu,\"large_objects\":%zu,\"tables\":[",
			   db->ok ? "true" : "false", db->seconds, db->sequences, db->large_objects);
		for (size_t i = 0; i < db->ntables; i++) {
			const struct vtable *vt = &db->tables[i];

			buf_puts(b, i ? ",{\"table\":" : "{\"table\":");
			json_string(b, vt->qname);
			buf_printf(b, ",\"source_rows\":%lld,\"target_rows\":%lld,\"identical\":%s,\"keys\":[", vt->src_rows,
				   vt->dst_rows, vt->match ? "true" : "false");
			for (size_t j = 0; j < vt->nkeys; j++) {
				if (j)
					buf_putc(b, ',');
				json_string(b, vt->keys[j]);
			}
			buf_printf(b, "],\"more_keys\":%zu,\"note\":", vt->more_keys);
			if (vt->note)
				json_string(b, vt->note);
			else
				buf_puts(b, "null");
			buf_putc(b, '}');
		}
		buf_puts(b, "],\"differences\":[");
		for (size_t i = 0; i < db->ndiffs; i++) {
			buf_puts(b, i ? ",{\"kind\":" : "{\"kind\":");
			json_string(b, db->diffs[i].kind);
			buf_puts(b, ",\"item\":");
			json_string(b, db->diffs[i].item);
			buf_puts(b, ",\"detail\":");
			json_string(b, db->diffs[i].detail ? db->diffs[i].detail : "");
			buf_putc(b, '}');
		}
		buf_printf(b, "],\"more_differences\":%zu}", db->more_diffs);
	}
	buf_puts(b, "]}\n");
}
