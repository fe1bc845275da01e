-- SPEC §7: every customer wait, where it starts and how it ends, one row per wait. A wait starts at a
-- customer message when none is running; later customer messages join it; it ends at the first
-- visible reply strictly after its start, else (no reply follows at all) at the first close without
-- a body strictly after it, else it is still running. Replies while no wait runs make no row.
--
-- Without a row-by-row walk: a part that can end a wait (an end) ends the running one unless that
-- wait started in the same second ("after" is strict). So the conversation is read second by second,
-- asking whether a wait is running as each second with a customer message begins (its entry). The
-- entry is known to be "no" at the first such second and after any second with an end in between,
-- and "yes" after a second that leaves a wait running whatever its entry. Between known seconds it
-- alternates: a second whose customer messages all come before an end in it ends the running wait
-- if there was one, and otherwise starts one that the same-second end cannot stop.
-- Incremental: a run recomputes only the conversations with messages loaded since the last one.
with

messages as (

    select
        conversation_id,
        message_key,
        sender_type,
        part_type,
        has_body,
        created_at,
        author_id
    from {{ intercom_staged('messages') }}
    {{ only_conversations_loaded_since_last_run(intercom_staged('messages'), 'loaded_at') }}

),

load_mark as (

    select max(loaded_at) as messages_loaded_through
    from {{ intercom_staged('messages') }}

),

flagged as (

    -- within one second, parts are ordered by message_key (SPEC §3 order)
    select
        conversation_id,
        created_at,
        message_key,
        author_id,
        case when {{ is_customer_message() }} then 1 else 0 end as is_customer_message,
        case when {{ is_visible_reply() }} then 1 else 0 end as is_visible_reply,
        case when {{ is_close_without_reply() }} then 1 else 0 end as is_close_without_reply,
        case when {{ is_bot_answer() }} then 1 else 0 end as is_bot_answer
    from messages

),

seconds_grouped as (

    select
        conversation_id,
        created_at,
        max(is_visible_reply) as has_reply,
        max(is_close_without_reply) as has_close_without_reply,
        sum(is_customer_message) as customer_message_count,
        min(case when is_visible_reply = 1 then message_key end) as first_reply_key,
        min(case when is_close_without_reply = 1 then message_key end) as first_close_without_reply_key,
        {{ value_at_first('author_id', 'message_key', 'is_visible_reply = 1') }} as first_reply_author_id
    from flagged
    where is_customer_message = 1 or is_visible_reply = 1 or is_close_without_reply = 1
    group by conversation_id, created_at

),

seconds_ended as (

    -- a close ends a wait only when no reply comes after it: any earlier wait ends at that reply
    select
        *,
        case
            when has_reply = 1 then 1
            when has_close_without_reply = 1 and (last_reply_at is null or created_at > last_reply_at) then 1
            else 0
        end as has_wait_end
    from (
        select
            *,
            max(case when has_reply = 1 then created_at end) over (partition by conversation_id) as last_reply_at
        from seconds_grouped
    ) as with_last_reply

),

seconds_keyed as (

    select
        *,
        case
            when has_reply = 1 then first_reply_key
            when has_wait_end = 1 then first_close_without_reply_key
        end as first_end_key
    from seconds_ended

),

shared_seconds as (

    -- the rare second holding both a customer message and an end: which customer messages come before it
    select
        seconds_keyed.conversation_id,
        seconds_keyed.created_at,
        {{ count_where('flagged.message_key < seconds_keyed.first_end_key') }} as customer_messages_before_end,
        min(case when flagged.message_key > seconds_keyed.first_end_key then flagged.message_key end)
            as first_customer_after_end_key
    from seconds_keyed
    inner join flagged
        on
            seconds_keyed.conversation_id = flagged.conversation_id
            and seconds_keyed.created_at = flagged.created_at
    where
        seconds_keyed.has_wait_end = 1
        and seconds_keyed.customer_message_count > 0
        and flagged.is_customer_message = 1
    group by seconds_keyed.conversation_id, seconds_keyed.created_at

),

seconds as (

    select
        seconds_keyed.conversation_id,
        seconds_keyed.created_at,
        seconds_keyed.has_wait_end,
        seconds_keyed.has_reply,
        seconds_keyed.first_reply_author_id,
        seconds_keyed.customer_message_count,
        shared_seconds.first_customer_after_end_key,
        coalesce(shared_seconds.customer_messages_before_end, 0) as customer_messages_before_end
    from seconds_keyed
    left join shared_seconds
        on
            seconds_keyed.conversation_id = shared_seconds.conversation_id
            and seconds_keyed.created_at = shared_seconds.created_at

),

seconds_counted as (

    select
        *,
        sum(has_wait_end) over (
            partition by conversation_id order by created_at rows between unbounded preceding and current row
        ) as ends_through,
        coalesce(sum(customer_message_count) over (
            partition by conversation_id order by created_at rows between unbounded preceding and 1 preceding
        ), 0) as customer_messages_before_second,
        min(case when has_wait_end = 1 then created_at end) over (
            partition by conversation_id order by created_at rows between 1 following and unbounded following
        ) as next_end_at
    from seconds

),

customer_seconds as (

    select
        *,
        lag(ends_through) over (partition by conversation_id order by created_at) as previous_ends_through,
        sum(customer_message_count) over (partition by conversation_id) as conversation_customer_messages,
        lag(case when has_wait_end = 1 and first_customer_after_end_key is null then 1 else 0 end) over (
            partition by conversation_id order by created_at
        ) as previous_ended_its_wait_if_running
    from seconds_counted
    where customer_message_count > 0

),

entries_known as (

    select
        *,
        case
            when previous_ends_through is null then 0
            when ends_through - has_wait_end > previous_ends_through then 0
            when previous_ended_its_wait_if_running = 0 then 1
        end as known_entry
    from customer_seconds

),

runs as (

    select
        *,
        sum(case when known_entry is null then 0 else 1 end) over (
            partition by conversation_id order by created_at rows between unbounded preceding and current row
        ) as run_number
    from entries_known

),

entries as (

    select
        *,
        case
            when (row_number() over (partition by conversation_id, run_number order by created_at) - 1) % 2 = 0
                then max(known_entry) over (partition by conversation_id, run_number)
            else 1 - max(known_entry) over (partition by conversation_id, run_number)
        end as wait_running_on_entry
    from runs

),

starts as (

    -- running on entry: the second's first end stops it and the first customer message after starts one
    select
        conversation_id,
        created_at as started_at,
        next_end_at,
        conversation_customer_messages,
        customer_messages_before_second
        + case when wait_running_on_entry = 1 then customer_messages_before_end else 0 end
            as customer_messages_before_start
    from entries
    where wait_running_on_entry = 0 or first_customer_after_end_key is not null

),

numbered as (

    select
        *,
        -- cast: row_number() is a 4-byte integer on Spark
        cast(row_number() over (partition by conversation_id order by started_at) as {{ dbt.type_bigint() }})
            as wait_number,
        lead(customer_messages_before_start) over (partition by conversation_id order by started_at)
            as customer_messages_before_next_start
    from starts

),

end_seconds as (

    select
        conversation_id,
        created_at as ended_at,
        has_reply,
        first_reply_author_id
    from seconds
    where has_wait_end = 1

),

bot_answers as (

    select
        conversation_id,
        created_at
    from flagged
    where is_bot_answer = 1

),

ended as (

    select
        numbered.conversation_id,
        numbered.wait_number,
        numbered.started_at,
        end_seconds.ended_at,
        cast(
            coalesce(numbered.customer_messages_before_next_start, numbered.conversation_customer_messages)
            - numbered.customer_messages_before_start
            as {{ dbt.type_bigint() }}
        ) as customer_messages,
        case
            when end_seconds.has_reply = 1 then 'replied'
            when end_seconds.ended_at is not null then 'closed'
            else 'open'
        end as ended_by,
        case when end_seconds.has_reply = 1 then end_seconds.ended_at end as replied_at,
        case when end_seconds.has_reply = 1 then end_seconds.first_reply_author_id end as responder_id
    from numbered
    left join end_seconds
        on
            numbered.conversation_id = end_seconds.conversation_id
            and numbered.next_end_at = end_seconds.ended_at

),

bot_answered as (

    select
        ended.conversation_id,
        ended.wait_number,
        min(bot_answers.created_at) as first_bot_reply_at
    from ended
    inner join bot_answers
        on
            ended.conversation_id = bot_answers.conversation_id
            and ended.started_at < bot_answers.created_at
            and (ended.ended_at is null or ended.ended_at >= bot_answers.created_at)
    group by ended.conversation_id, ended.wait_number

),

final as (

    select
        ended.conversation_id,
        ended.wait_number,
        ended.started_at,
        ended.customer_messages,
        bot_answered.first_bot_reply_at,
        ended.ended_at,
        ended.ended_by,
        ended.replied_at,
        ended.responder_id,
        (select load_mark.messages_loaded_through from load_mark) as messages_loaded_through
    from ended
    left join bot_answered
        on
            ended.conversation_id = bot_answered.conversation_id
            and ended.wait_number = bot_answered.wait_number

)

select * from final
