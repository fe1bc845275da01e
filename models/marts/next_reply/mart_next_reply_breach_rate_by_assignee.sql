-- Next-reply breach rate per assignee (SPEC §7): every wait after the first, credited to the assignee at
-- breach when breached and to the assignee at its start otherwise; none is `(unassigned)`.
with

waits as (

    select
        status,
        ended_by,
        wait_seconds,
        {{ wait_owner('assignee') }} as assignee_id
    from {{ ref('fct_customer_waits') }}
    where not is_first_wait

),

final as (

    select
        coalesce(assignee_id, '(unassigned)') as assignee_id,
        {{ next_reply_measures() }}
    from waits
    group by coalesce(assignee_id, '(unassigned)')

)

select * from final
