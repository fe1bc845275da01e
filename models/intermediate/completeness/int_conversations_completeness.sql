-- SPEC §2, one row per conversation that Intercom describes with a part count (REST API objects and
-- connector streams): how many parts Intercom holds, how many were loaded, and whether Intercom's own
-- statistics can stand in for the figures the missing parts would give.
-- Incremental: a run redoes the conversations with any row loaded since the last one.
with

described as (

    select
        conversation_id,
        intercom_count_conversation_parts,
        intercom_parts_total_count,
        intercom_first_contact_reply_at,
        intercom_first_admin_reply_at,
        intercom_first_close_at,
        intercom_last_close_at,
        intercom_count_reopens
    from {{ intercom_staged('conversations') }}
    {{ only_conversations_to_refresh() }}

),

parts as (

    select
        conversation_id,
        intercom_record
    from {{ intercom_staged('messages') }}
    {{ only_conversations_to_refresh() }}

),

parts_loaded as (

    select
        conversation_id,
        count(*) as parts_loaded
    from parts
    where
        intercom_record = 'part'
        and conversation_id in (select described.conversation_id from described)
    group by conversation_id

),

counted as (

    select
        described.*,
        coalesce(parts_loaded.parts_loaded, 0) as parts_loaded,
        -- the statistics count when present; the part list's own total_count otherwise
        coalesce(described.intercom_count_conversation_parts, described.intercom_parts_total_count)
            as parts_expected,
        described.intercom_count_conversation_parts is not null as has_statistics
    from described
    left join parts_loaded
        on described.conversation_id = parts_loaded.conversation_id
    where
        described.intercom_count_conversation_parts is not null
        or described.intercom_parts_total_count is not null

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

final as (

    select
        counted.conversation_id,
        counted.parts_expected,
        counted.parts_loaded,
        counted.has_statistics,
        counted.intercom_first_contact_reply_at,
        counted.intercom_first_admin_reply_at,
        counted.intercom_first_close_at,
        counted.intercom_last_close_at,
        counted.intercom_count_reopens,
        load_mark.loaded_through,
        counted.parts_expected > counted.parts_loaded as is_incomplete
    from counted
    cross join load_mark

)

select * from final
