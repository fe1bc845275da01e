{#- After a build, a warning for each relation an earlier release built under a name that has since
    changed (docs/reporting.md, "Renamed marts"): nothing rebuilds it, so a dashboard still reading it
    would show old figures. Warned, not dropped: on PostgreSQL a drop would cascade to the user's own
    views over it. -#}
{% macro warn_of_renamed_relations() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set renamed = {
            'mart_sla_summary': 'mart_first_response_summary',
            'mart_breach_rate_by_assignee': 'mart_first_response_breach_rate_by_assignee',
            'mart_breach_rate_by_priority': 'mart_first_response_breach_rate_by_priority',
            'mart_breach_rate_by_tag': 'mart_first_response_breach_rate_by_tag',
            'mart_breach_rate_by_team': 'mart_first_response_breach_rate_by_team',
            'mart_breach_rate_by_week': 'mart_first_response_breach_rate_by_week',
            'mart_response_time_distribution': 'mart_first_response_time_distribution',
            'mart_reply_times_by_responder': 'mart_next_reply_times_by_responder',
            'mart_waits_bot_vs_human': 'mart_next_reply_bot_vs_human',
            'int_conversations_aggregated': 'int_conversations_first_response_found',
        } -%}
        {%- for old_name, new_name in renamed.items() -%}
            {%- set relation = adapter.get_relation(
                database=target.database, schema=target.schema, identifier=old_name
            ) -%}
            {%- if relation is not none -%}
                {%- do exceptions.warn(
                    relation ~ " is no longer built (now " ~ new_name ~ "); drop it once nothing reads it"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
