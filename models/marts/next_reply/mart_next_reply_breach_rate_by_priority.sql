-- Next-reply breach rate per priority (SPEC §7): every wait after the first, against the priority's
-- next-reply threshold.
with

waits as (

    select
        priority,
        threshold_minutes,
        status,
        ended_by,
        wait_seconds
    from {{ ref('fct_customer_waits') }}
    where not is_first_wait

),

final as (

    select
        priority,
        max(threshold_minutes) as next_response_threshold_minutes,
        {{ next_reply_measures() }}
    from waits
    group by priority

)

select * from final
