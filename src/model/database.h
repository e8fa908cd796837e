/* The database the applications connect to (database.c). */
#ifndef KG_MODEL_DATABASE_H
#define KG_MODEL_DATABASE_H

#include "model/app.h"

/* Sets app->postgres to the PostgreSQL service Odoo or Keycloak connects
 * to, and records in app->db_links each client's host and the service that
 * answers to it (NULL: outside the project). */
void app_settle_database(struct arena *a, struct app *app);

#endif
