"""intercom-sla: Intercom exports to auditable SLA marts."""
