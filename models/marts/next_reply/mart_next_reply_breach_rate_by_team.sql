-- Next-reply breach rate per team (SPEC §7): every wait after the first, credited to the team at
-- breach when breached and to the team at its start otherwise; none is `(no team)`.
with

waits as (

    select
        status,
        ended_by,
        wait_seconds,
        {{ wait_owner('team') }} as team_id
    from {{ ref('fct_customer_waits') }}
    where not is_first_wait

),

final as (

    select
        coalesce(team_id, '(no team)') as team_id,
        {{ next_reply_measures() }}
    from waits
    group by coalesce(team_id, '(no team)')

)

select * from final
