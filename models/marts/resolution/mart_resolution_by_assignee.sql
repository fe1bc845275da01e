-- Resolution times per assignee (SPEC §4): the message export's assignee id where there is one, else
-- the conversation export's assignee email; `(unassigned)` when neither.
with

conversations as (

    select
        assignee_id,
        assignee_email,
        resolution_seconds,
        resolution_sla_status,
        message_count
    from {{ ref('fct_conversations') }}
    where in_resolution_metrics

),

by_assignee as (

    select
        coalesce(assignee_id, assignee_email, '(unassigned)') as assignee,
        {{ resolution_measures() }}
    from conversations
    group by coalesce(assignee_id, assignee_email, '(unassigned)')

),

final as (

    select
        assignee,
        total_closed,
        median_hours,
        p95_hours,
        within_24h_share,
        avg_messages,
        resolution_breaches,
        resolution_breach_rate_pct
    from by_assignee

)

select * from final
