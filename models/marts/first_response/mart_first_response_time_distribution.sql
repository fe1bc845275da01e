-- First-response times per priority in fixed buckets, beside the priority's threshold, for the
-- distribution chart of the review pack (the report only draws; the buckets are counted here).
with

conversations as (

    select
        priority,
        sla_threshold_minutes,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope and response_minutes is not null

),

bucketed as (

    select
        priority,
        sla_threshold_minutes,
        case
            when response_minutes <= 5 then 1
            when response_minutes <= 15 then 2
            when response_minutes <= 30 then 3
            when response_minutes <= 60 then 4
            when response_minutes <= 120 then 5
            when response_minutes <= 240 then 6
            when response_minutes <= 480 then 7
            when response_minutes <= 1440 then 8
            else 9
        end as bucket_order
    from conversations

),

counted as (

    select
        priority,
        sla_threshold_minutes,
        bucket_order,
        count(*) as conversations
    from bucketed
    group by priority, sla_threshold_minutes, bucket_order

),

final as (

    select
        priority,
        sla_threshold_minutes,
        bucket_order,
        conversations,
        case bucket_order
            when 1 then '≤ 5 min'
            when 2 then '5–15 min'
            when 3 then '15–30 min'
            when 4 then '30–60 min'
            when 5 then '1–2 h'
            when 6 then '2–4 h'
            when 7 then '4–8 h'
            when 8 then '8–24 h'
            else '> 24 h'
        end as bucket_label,
        case bucket_order
            when 1 then 5 when 2 then 15 when 3 then 30 when 4 then 60 when 5 then 120
            when 6 then 240 when 7 then 480 when 8 then 1440
        end as bucket_upper_minutes
    from counted

)

select * from final
