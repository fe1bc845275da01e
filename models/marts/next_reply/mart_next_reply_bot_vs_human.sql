-- Bot-answered and human-only waits side by side (SPEC §7): a wait is bot-answered when a bot answered
-- inside it (a bot never ends a wait); first and later waits are shown apart, since the first is
-- held to the first-response threshold.
with

waits as (

    select
        case when first_bot_reply_at is null then 'human_only' else 'bot_answered' end as answered_by,
        case when is_first_wait then 'first' else 'subsequent' end as wait_kind,
        status,
        ended_by,
        wait_seconds,
        {{ seconds_between('started_at', 'first_bot_reply_at') }} as bot_reply_seconds
    from {{ ref('fct_customer_waits') }}

),

final as (

    select
        answered_by,
        wait_kind,
        count(*) as waits,
        {{ count_where("ended_by = 'replied'") }} as human_replied_waits,
        {{ next_reply_measures() }},
        {{ percentile_cont('bot_reply_seconds', 0.5) }} as median_bot_reply_seconds
    from waits
    group by answered_by, wait_kind

)

select * from final
