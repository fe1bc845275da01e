-- SPEC §4, one row per conversation known to any export, with the resolution from whichever source
-- is authoritative for it. Precedence: an incomplete conversation (SPEC §2) with Intercom's statistics
-- is resolved from those statistics; a conversation with state events (close / reopen / snooze parts)
-- in a message export from those events; otherwise from the conversation export's state and
-- resolved_at; otherwise (messages without state events) it is not known to be resolved.
with

message_conversations as (

    select
        conversation_id,
        started_at,
        first_message_at,
        records_state_events,
        latest_timestamp
    from {{ ref('int_conversations_statistics_applied') }}

),

statistics as (

    select
        conversation_id,
        intercom_first_close_at,
        intercom_last_close_at,
        intercom_count_reopens
    from {{ ref('int_conversations_completeness') }}
    where is_incomplete and has_statistics

),

event_resolutions as (

    select
        conversation_id,
        has_state_events,
        final_state,
        first_closed_at,
        last_closed_at,
        reopen_count,
        unrecorded_reopen_count,
        open_seconds_to_last_event,
        last_event_at
    from {{ ref('int_conversations_resolved_from_events') }}

),

export_conversations as (

    select
        conversation_id,
        started_at,
        resolved_at,
        state,
        reopen_count,
        updated_at,
        coalesce(state, case when resolved_at is not null then 'closed' end) = 'closed' as says_closed
    from {{ intercom_staged('conversations') }}

),

conversation_ids as (

    select conversation_id from message_conversations
    union
    select conversation_id from export_conversations

),

joined as (

    select
        conversation_ids.conversation_id,
        message_conversations.latest_timestamp,
        message_conversations.records_state_events,
        export_conversations.started_at as export_started_at,
        export_conversations.resolved_at as export_resolved_at,
        export_conversations.updated_at as export_updated_at,
        export_conversations.state as export_state,
        export_conversations.reopen_count as export_reopen_count,
        event_resolutions.final_state,
        event_resolutions.first_closed_at as event_first_closed_at,
        event_resolutions.last_closed_at as event_last_closed_at,
        event_resolutions.reopen_count as event_reopen_count,
        event_resolutions.unrecorded_reopen_count as event_unrecorded_reopen_count,
        statistics.intercom_first_close_at,
        statistics.intercom_last_close_at,
        statistics.intercom_count_reopens,
        export_conversations.conversation_id is not null as in_export,
        statistics.conversation_id is not null as from_statistics,
        coalesce(message_conversations.started_at, message_conversations.first_message_at) as clock_started_at,
        coalesce(event_resolutions.open_seconds_to_last_event, 0) as open_seconds_to_last_event,
        coalesce(
            event_resolutions.last_event_at, message_conversations.started_at, message_conversations.first_message_at
        ) as last_event_at,
        -- a source that records state events (SPEC §4) shows every close and reopen: its conversations
        -- are resolved from the events even when none is a state change, unless the conversation
        -- export says closed where no part does
        coalesce(
            event_resolutions.has_state_events
            or (message_conversations.records_state_events and not coalesce(export_conversations.says_closed, false)),
            false
        ) as from_state_events
    from conversation_ids
    left join message_conversations
        on conversation_ids.conversation_id = message_conversations.conversation_id
    left join event_resolutions
        on conversation_ids.conversation_id = event_resolutions.conversation_id
    left join export_conversations
        on conversation_ids.conversation_id = export_conversations.conversation_id
    left join statistics
        on conversation_ids.conversation_id = statistics.conversation_id

),

sourced as (

    select
        conversation_id,
        latest_timestamp,
        export_started_at,
        export_resolved_at,
        export_updated_at,
        open_seconds_to_last_event,
        last_event_at,
        case when from_state_events then coalesce(event_unrecorded_reopen_count, 0) end as unrecorded_reopen_count,
        case when from_statistics then intercom_first_close_at else event_first_closed_at end as first_closed_at,
        case when from_statistics then intercom_last_close_at else event_last_closed_at end as last_closed_at,
        case
            when from_statistics then 'intercom_statistics'
            when from_state_events then 'state_events'
            when in_export then 'conversation_export'
        end as resolution_source,
        case
            when from_statistics or from_state_events then clock_started_at
            when in_export then export_started_at
            else clock_started_at
        end as resolution_started_at,
        case
            when from_statistics then export_state
            when from_state_events then coalesce(final_state, 'open')
            when in_export then coalesce(export_state, case when export_resolved_at is not null then 'closed' end)
            -- messages without a single state event: open since it started
            else 'open'
        end as state,
        case
            when from_statistics then intercom_count_reopens
            when from_state_events then coalesce(event_reopen_count, 0)
            when records_state_events then coalesce(export_reopen_count, 0)
            else export_reopen_count
        end as reopen_count
    from joined

),

as_of as (

    -- the latest timestamp the data carries (SPEC §1): any message or part, any conversation's
    -- start, resolution or updated_at
    select
        *,
        greatest(
            max(latest_timestamp) over (),
            max(export_started_at) over (),
            max(export_resolved_at) over (),
            max(export_updated_at) over ()
        ) as data_as_of
    from sourced

),

resolved as (

    select
        *,
        coalesce(state = 'closed', false) as is_resolved,
        case
            when state <> 'closed' then null
            when resolution_source in ('state_events', 'intercom_statistics') then last_closed_at
            else export_resolved_at
        end as resolved_at
    from as_of

),

measured as (

    select
        *,
        {{ seconds_between('resolution_started_at', 'resolved_at') }} as resolution_seconds,
        case
            when resolution_source = 'state_events' and state = 'open'
                then open_seconds_to_last_event + {{ seconds_between('last_event_at', 'data_as_of') }}
            when resolution_source = 'state_events' then open_seconds_to_last_event
        end as open_seconds
    from resolved

),

final as (

    select
        conversation_id,
        resolution_source,
        resolution_started_at,
        state,
        is_resolved,
        first_closed_at,
        last_closed_at,
        resolved_at,
        resolution_seconds,
        open_seconds,
        reopen_count,
        unrecorded_reopen_count,
        data_as_of,
        case
            when is_resolved and resolved_at is null then 'closed_without_resolved_at'
            when resolution_seconds < 0 then 'negative_resolution_span'
        end as resolution_exclusion_reason
    from measured

)

select * from final
