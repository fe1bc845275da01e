-- One row per conversation with everything SPEC §3 derives from its messages, in a single pass.
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
        export_first_response_at,
        priority,
        assignee_id,
        team_id,
        records_state_events
    from {{ intercom_staged('messages') }}
    {{ only_conversations_loaded_since_last_run(intercom_staged('messages'), 'loaded_at') }}

),

load_mark as (

    select max(loaded_at) as messages_loaded_through
    from {{ intercom_staged('messages') }}

),

sequenced as (

    -- message order: created_at, then message_key (the message_id where the export has one)
    select
        *,
        {{ is_customer_message() }} as is_customer_message,
        {{ is_visible_reply() }} as is_visible_reply,
        row_number() over (partition by conversation_id order by created_at, message_key) as message_sequence
    from messages

),

started as (

    select
        *,
        min(case when is_customer_message then created_at end)
            over (partition by conversation_id) as started_at
    from sequenced

),

replies_flagged as (

    -- bot replies and internal notes never count; a reply in the start's own second is not after it
    select
        *,
        coalesce(is_visible_reply and created_at > started_at, false) as is_admin_reply
    from started

),

conversations as (

    select
        conversation_id,
        min(started_at) as started_at,
        min(created_at) as first_message_at,
        max(created_at) as last_message_at,
        count(*) as part_count,
        {{ count_where("part_type = 'comment'") }} as message_count,
        min(case when is_admin_reply then created_at end) as computed_first_response_at,
        min(case when export_first_response_at >= started_at then export_first_response_at end)
            as export_first_response_at,
        {{ value_at_first('assignee_id', 'message_sequence', 'is_admin_reply') }} as first_reply_assignee_id,
        {{ last_non_null_by('assignee_id', 'message_sequence') }} as last_assignee_id,
        {{ value_at_first('team_id', 'message_sequence', 'is_admin_reply') }} as first_reply_team_id,
        {{ last_non_null_by('team_id', 'message_sequence') }} as last_team_id,
        {{ first_non_null_by('priority', 'message_sequence') }} as first_priority,
        max(case when records_state_events then 1 else 0 end) = 1 as records_state_events,
        greatest(max(created_at), max(export_first_response_at)) as latest_timestamp
    from replies_flagged
    group by conversation_id

),

final as (

    select
        conversation_id,
        started_at,
        first_message_at,
        last_message_at,
        part_count,
        message_count,
        computed_first_response_at,
        export_first_response_at,
        first_priority,
        records_state_events,
        latest_timestamp,
        coalesce(export_first_response_at, computed_first_response_at) as first_response_at,
        case
            when export_first_response_at is not null then 'export'
            when computed_first_response_at is not null then 'computed'
        end as first_response_source,
        coalesce(first_reply_assignee_id, last_assignee_id) as assignee_id,
        coalesce(first_reply_team_id, last_team_id) as team_id,
        (select load_mark.messages_loaded_through from load_mark) as messages_loaded_through
    from conversations

)

select * from final
