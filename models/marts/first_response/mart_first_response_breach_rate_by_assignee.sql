-- First-response breach rate per assignee (SPEC §5); conversations without one are `(unassigned)`.
with

conversations as (

    select
        assignee_id,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope

),

by_assignee as (

    select
        coalesce(assignee_id, '(unassigned)') as assignee_id,
        assignee_id is null as is_unassigned,
        {{ sla_breach_measures() }}
    from conversations
    group by coalesce(assignee_id, '(unassigned)'), assignee_id is null

),

ranked as (

    -- worst first; ties: more breaches first, then assignee id. `(unassigned)` is not ranked.
    select
        *,
        -- cast: row_number() is a 4-byte integer on Spark
        cast(case
            when not is_unassigned
                then row_number() over (
                    partition by is_unassigned
                    order by breach_rate_pct desc, breaches desc, assignee_id asc
                )
        end as {{ dbt.type_bigint() }}) as breach_rate_rank
    from by_assignee

),

final as (

    select
        assignee_id,
        conversations,
        breaches,
        pending,
        breach_rate_pct,
        calendar_breaches,
        calendar_breach_rate_pct,
        business_hours_conversations,
        business_hours_breaches,
        business_hours_breach_rate_pct,
        median_response_minutes,
        p95_response_minutes,
        breach_rate_rank
    from ranked

)

select * from final
