/* The printer columns RoleBindings and ClusterRoleBindings share. */
#ifndef CK_REGISTRY_RBAC_BINDING_COLUMNS_H
#define CK_REGISTRY_RBAC_BINDING_COLUMNS_H

#include "registry/registry.h"

/* Name, Role ("Kind/name"), Age, and with -o wide Users, Groups, ServiceAccounts. */
extern const struct ck_printer_column ck_rbac_binding_columns[];

#endif
