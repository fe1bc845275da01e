-- One-row first-response SLA summary (SPEC §5) for headline tiles and reports/sla_summary.json.
with

conversations as (

    select
        in_first_response_scope,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes,
        data_as_of
    from {{ ref('fct_conversations') }}

),

by_priority as (

    select
        priority,
        breaches
    from {{ ref('mart_first_response_breach_rate_by_priority') }}

),

by_assignee as (

    select
        assignee_id,
        conversations,
        breaches,
        breach_rate_pct,
        breach_rate_rank
    from {{ ref('mart_first_response_breach_rate_by_assignee') }}

),

totals as (

    select
        {{ count_where('in_first_response_scope') }} as total_conversations,
        {{ count_where("sla_status = 'breached'") }} as total_breaches,
        {{ count_where("sla_status = 'pending'") }} as total_pending,
        {{ count_where("calendar_sla_status = 'breached'") }} as calendar_breaches,
        count(business_hours_sla_status) as business_hours_conversations,
        {{ count_where("business_hours_sla_status = 'breached'") }} as business_hours_breaches,
        {{ count_where('not in_first_response_scope') }} as out_of_scope_conversations,
        {{ percentile_cont('response_minutes', 0.5) }} as median_response_minutes,
        {{ percentile_cont('response_minutes', 0.95) }} as p95_response_minutes,
        max(data_as_of) as data_as_of
    from conversations

),

priority_breaches as (

    select {{ json_object_agg('priority', 'breaches') }} as breaches_by_priority
    from by_priority

),

top_assignees as (

    select
        {{ json_array_agg({
            'assignee_id': 'assignee_id',
            'conversations': 'conversations',
            'breaches': 'breaches',
            'breach_rate_pct': 'breach_rate_pct',
        }, 'breach_rate_rank') }} as top_5_assignees_by_breach_rate
    from by_assignee
    where breach_rate_rank <= 5

),

final as (

    select
        totals.total_conversations,
        totals.total_breaches,
        totals.total_pending,
        {{ ratio('totals.total_breaches', 'totals.total_conversations', 100) }} as breach_rate_pct,
        {{ ratio('totals.calendar_breaches', 'totals.total_conversations', 100) }} as calendar_breach_rate_pct,
        totals.business_hours_conversations,
        {{ ratio('totals.business_hours_breaches', 'totals.business_hours_conversations', 100) }}
            as business_hours_breach_rate_pct,
        totals.median_response_minutes,
        totals.p95_response_minutes,
        totals.out_of_scope_conversations,
        priority_breaches.breaches_by_priority,
        top_assignees.top_5_assignees_by_breach_rate,
        '{{ unanswered_sla_status() }}' as unanswered_sla_status,
        totals.data_as_of
    from totals
    cross join priority_breaches
    cross join top_assignees

)

select * from final
