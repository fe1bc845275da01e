-- One-row resolution summary (SPEC §4) for headline tiles and reports/resolution_summary.json.
with

conversations as (

    select
        is_resolved,
        in_resolution_metrics,
        resolution_exclusion_reason,
        resolution_seconds,
        resolution_sla_status,
        message_count,
        data_as_of
    from {{ ref('fct_conversations') }}

),

resolved as (

    select
        {{ resolution_measures() }}
    from conversations
    where in_resolution_metrics

),

totals as (

    select
        count(*) as total_conversations,
        {{ count_where('not is_resolved') }} as unresolved_conversations,
        {{ count_where('resolution_exclusion_reason is not null') }} as excluded_conversations,
        max(data_as_of) as data_as_of
    from conversations

),

final as (

    select
        resolved.total_closed,
        resolved.median_hours,
        resolved.p95_hours,
        resolved.within_24h_share,
        resolved.avg_messages,
        resolved.resolution_breaches,
        resolved.resolution_breach_rate_pct,
        totals.total_conversations,
        totals.unresolved_conversations,
        totals.excluded_conversations,
        totals.data_as_of
    from resolved
    cross join totals

)

select * from final
