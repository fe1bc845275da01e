{#- Project rules shared by several models; engine-neutral SQL. -#}

{#- SPEC §1 A: sender_type trimmed and lower-cased onto user / admin / bot (the loader rejects others). -#}
{% macro intercom_sender_type(column) -%}
    case
        when lower(trim({{ column }})) in ('user', 'lead', 'contact') then 'user'
        when lower(trim({{ column }})) in ('admin', 'teammate') then 'admin'
        when lower(trim({{ column }})) = 'bot' then 'bot'
    end
{%- endmacro %}


{#- The project variable for unanswered conversations (SPEC §3), checked so a typo fails loudly. -#}
{% macro unanswered_sla_status() -%}
    {%- set policy = var('unanswered_sla_status', 'breach') -%}
    {%- if policy not in ('breach', 'pending') -%}
        {{ exceptions.raise_compiler_error(
            "var unanswered_sla_status must be 'breach' or 'pending', got '" ~ policy ~ "'") }}
    {%- endif -%}
    {{ return(policy) }}
{%- endmacro %}


{#- Breach-rate measures over fct_conversations rows in SLA scope (SPEC §5), shared by every
    breach-rate mart so the definitions cannot drift apart. -#}
{% macro sla_breach_measures() -%}
    count(*) as conversations,
    {{ count_where("sla_status = 'breached'") }} as breaches,
    {{ count_where("sla_status = 'pending'") }} as pending,
    cast(100.0 * {{ count_where("sla_status = 'breached'") }} / count(*) as {{ type_double() }}) as breach_rate_pct,
    {{ percentile_cont('response_minutes', 0.5) }} as median_response_minutes,
    {{ percentile_cont('response_minutes', 0.95) }} as p95_response_minutes
{%- endmacro %}


{#- Rows meeting a condition, as a bigint on every engine (DuckDB's sum would give a hugeint). -#}
{% macro count_where(condition) -%}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- Resolution measures over fct_conversations rows with in_resolution_metrics (SPEC §4), shared by
    every resolution mart. -#}
{% macro resolution_measures() -%}
    count(*) as total_closed,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.5) }} as median_hours,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.95) }} as p95_hours,
    cast(avg(case when resolution_seconds <= 86400 then 1.0 else 0.0 end) as {{ type_double() }}) as pct_within_24h,
    cast(avg(message_count) as {{ type_double() }}) as avg_messages,
    {{ count_where("resolution_sla_status = 'breached'") }} as resolution_breaches,
    cast(
        100.0 * {{ count_where("resolution_sla_status = 'breached'") }} / count(*) as {{ type_double() }}
    ) as resolution_breach_rate_pct
{%- endmacro %}
