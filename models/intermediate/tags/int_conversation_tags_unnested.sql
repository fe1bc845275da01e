-- SPEC §3 tags: the distinct union of a conversation's tags from every export (comma-separated in
-- message exports, semicolon-separated in conversation exports), trimmed, empties dropped.
-- Incremental: a run redoes the conversations with any row loaded since the last one.
with

message_tags as (

    select
        conversation_id,
        tags
    from {{ intercom_staged('messages') }}
    {{ only_conversations_to_refresh() }}

),

export_tags as (

    select
        conversation_id,
        tags
    from {{ intercom_staged('conversations') }}
    {{ only_conversations_to_refresh() }}

),

split_tags as (

    select
        conversation_id,
        {{ split_to_rows('tags', ',') }} as untrimmed_tag
    from message_tags
    where tags is not null

    union all

    select
        conversation_id,
        {{ split_to_rows('tags', ';') }} as untrimmed_tag
    from export_tags
    where tags is not null

),

-- a separate step: Spark allows a generator (the split) only at the top of a select list
trimmed_tags as (

    select
        conversation_id,
        trim(untrimmed_tag) as tag
    from split_tags

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

final as (

    select distinct
        trimmed_tags.conversation_id,
        trimmed_tags.tag,
        load_mark.loaded_through
    from trimmed_tags
    cross join load_mark
    where trimmed_tags.tag <> ''

)

select * from final
