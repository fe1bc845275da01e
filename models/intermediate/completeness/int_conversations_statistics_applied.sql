-- SPEC §2-§3, one row per conversation of the message exports: its start and first response, taken
-- from Intercom's statistics where the conversation is incomplete (Intercom holds parts that were not
-- loaded) and from the loaded messages otherwise, with where each figure came from. Incremental on
-- every staged row, not only messages: a newer version of a conversation can change its statistics
-- without a new message.
with

aggregated as (

    select
        conversation_id,
        started_at,
        first_message_at,
        message_count,
        first_response_at,
        first_response_source,
        assignee_id,
        team_id,
        records_state_events,
        latest_timestamp
    from {{ ref('int_conversations_first_response_found') }}
    {{ only_conversations_to_refresh() }}

),

completeness as (

    select
        conversation_id,
        is_incomplete,
        has_statistics,
        intercom_first_contact_reply_at,
        intercom_first_admin_reply_at
    from {{ ref('int_conversations_completeness') }}

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

sourced as (

    select
        aggregated.*,
        completeness.intercom_first_contact_reply_at,
        completeness.intercom_first_admin_reply_at,
        load_mark.loaded_through,
        coalesce(completeness.is_incomplete and completeness.has_statistics, false) as from_statistics,
        coalesce(completeness.is_incomplete, false) as is_incomplete
    from aggregated
    cross join load_mark
    left join completeness
        on aggregated.conversation_id = completeness.conversation_id

),

final as (

    select
        conversation_id,
        first_message_at,
        message_count,
        assignee_id,
        team_id,
        records_state_events,
        latest_timestamp,
        is_incomplete,
        loaded_through,
        case
            when from_statistics and intercom_first_contact_reply_at is not null then intercom_first_contact_reply_at
            else started_at
        end as started_at,
        case
            when from_statistics and intercom_first_contact_reply_at is not null then 'intercom_statistics'
            when started_at is not null then 'computed'
        end as started_at_source,
        case when from_statistics then intercom_first_admin_reply_at else first_response_at end as first_response_at,
        case
            when from_statistics and intercom_first_admin_reply_at is not null then 'intercom_statistics'
            when from_statistics then null
            else first_response_source
        end as first_response_source
    from sourced

)

select * from final
