-- First-response breach rate per team (SPEC §5); conversations without one are `(no team)`.
with

conversations as (

    select
        team_id,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope

),

final as (

    select
        coalesce(team_id, '(no team)') as team_id,
        {{ sla_breach_measures() }}
    from conversations
    group by coalesce(team_id, '(no team)')

)

select * from final
