{#- The measures every mart of a subject shares, so their definitions cannot drift apart. -#}

{#- Breach-rate measures over fct_conversations rows in SLA scope (SPEC §5), shared by every
    breach-rate mart so the definitions cannot drift apart: in the policy's clock, and side by side
    in calendar time and in business time (SPEC §6). -#}
{% macro sla_breach_measures() -%}
    count(*) as conversations,
    {{ count_where("sla_status = 'breached'") }} as breaches,
    {{ count_where("sla_status = 'pending'") }} as pending,
    {{ ratio(count_where("sla_status = 'breached'"), 'count(*)', 100) }} as breach_rate_pct,
    {{ count_where("calendar_sla_status = 'breached'") }} as calendar_breaches,
    {{ ratio(count_where("calendar_sla_status = 'breached'"), 'count(*)', 100) }} as calendar_breach_rate_pct,
    count(business_hours_sla_status) as business_hours_conversations,
    {{ count_where("business_hours_sla_status = 'breached'") }} as business_hours_breaches,
    {{ ratio(count_where("business_hours_sla_status = 'breached'"), 'count(business_hours_sla_status)', 100) }}
        as business_hours_breach_rate_pct,
    {{ percentile_cont('response_minutes', 0.5) }} as median_response_minutes,
    {{ percentile_cont('response_minutes', 0.95) }} as p95_response_minutes
{%- endmacro %}


{#- Next-reply measures over fct_customer_waits rows (SPEC §7), shared by every next-reply mart: waits
    held to a target (`met`, `breached`, `pending`; `no_target` and `closed_without_reply` count in no
    rate) and the subsequent reply times of the waits that were answered. -#}
{% macro next_reply_measures() -%}
    {{ count_where("status in ('met', 'breached', 'pending')") }} as rated_waits,
    {{ count_where("status = 'breached'") }} as breaches,
    {{ count_where("status = 'pending'") }} as pending,
    {{ ratio(count_where("status = 'breached'"), count_where("status in ('met', 'breached', 'pending')"), 100) }}
        as breach_rate_pct,
    {{ count_where("status = 'closed_without_reply'") }} as closed_without_reply,
    {{ percentile_cont("case when ended_by = 'replied' then wait_seconds end", 0.5) }} as median_reply_seconds,
    {{ percentile_cont("case when ended_by = 'replied' then wait_seconds end", 0.9) }} as p90_reply_seconds
{%- endmacro %}


{#- Resolution measures over fct_conversations rows with in_resolution_metrics (SPEC §4), shared by
    every resolution mart. -#}
{% macro resolution_measures() -%}
    count(*) as total_closed,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.5) }} as median_hours,
    {{ percentile_cont('resolution_seconds / 3600.0', 0.95) }} as p95_hours,
    {{ ratio(count_where('resolution_seconds <= 86400'), 'count(*)') }} as within_24h_share,
    cast(avg(message_count) as {{ type_double() }}) as avg_messages,
    {{ count_where("resolution_sla_status = 'breached'") }} as resolution_breaches,
    {{ ratio(count_where("resolution_sla_status = 'breached'"), 'count(*)', 100) }} as resolution_breach_rate_pct
{%- endmacro %}
