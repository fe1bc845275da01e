-- Per responder (SPEC §7): the waits each one ended with a reply, and Intercom's "subsequent response
-- time" over the waits after the first, in calendar and business seconds. Replies whose source names
-- no author are `(unknown)`.
with

replied_waits as (

    select
        responder_id,
        is_first_wait,
        wait_seconds,
        wait_business_seconds
    from {{ ref('fct_customer_waits') }}
    where ended_by = 'replied'

),

subsequent as (

    select
        is_first_wait,
        coalesce(responder_id, '(unknown)') as responder_id,
        case when not is_first_wait then wait_seconds end as subsequent_seconds,
        case when not is_first_wait then wait_business_seconds end as subsequent_business_seconds
    from replied_waits

),

final as (

    select
        responder_id,
        count(*) as replies,
        {{ count_where('is_first_wait') }} as first_replies,
        {{ count_where('not is_first_wait') }} as subsequent_replies,
        {{ percentile_cont('subsequent_seconds', 0.5) }} as median_subsequent_reply_seconds,
        {{ percentile_cont('subsequent_seconds', 0.9) }} as p90_subsequent_reply_seconds,
        {{ percentile_cont('subsequent_business_seconds', 0.5) }} as median_subsequent_reply_business_seconds,
        {{ percentile_cont('subsequent_business_seconds', 0.9) }} as p90_subsequent_reply_business_seconds
    from subsequent
    group by responder_id

)

select * from final
