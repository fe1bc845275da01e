-- SPEC §2, one row per conversation that Intercom describes with a part count (REST API objects and
-- connector streams): how many parts Intercom holds, how many were loaded, and whether Intercom's own
-- statistics can stand in for the figures the missing parts would give.
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
    where intercom_count_conversation_parts is not null or intercom_parts_total_count is not null

),

parts as (

    select
        conversation_id,
        intercom_record
    from {{ intercom_staged('messages') }}
    where intercom_record = 'part'

),

parts_loaded as (

    select
        conversation_id,
        count(*) as parts_loaded
    from parts
    where conversation_id in (select described.conversation_id from described)
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

),

final as (

    select
        conversation_id,
        parts_expected,
        parts_loaded,
        has_statistics,
        intercom_first_contact_reply_at,
        intercom_first_admin_reply_at,
        intercom_first_close_at,
        intercom_last_close_at,
        intercom_count_reopens,
        parts_expected > parts_loaded as is_incomplete
    from counted

)

select * from final
