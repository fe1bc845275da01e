-- SPEC §3 tags: the distinct union of a conversation's tags from every export (comma-separated in
-- message exports, semicolon-separated in conversation exports), trimmed, empties dropped.
with

message_tags as (

    select
        conversation_id,
        tags
    from {{ intercom_staged('messages') }}
    where tags is not null

),

export_tags as (

    select
        conversation_id,
        tags
    from {{ intercom_staged('conversations') }}
    where tags is not null

),

split_tags as (

    select
        conversation_id,
        {{ split_to_rows('tags', ',') }} as untrimmed_tag
    from message_tags

    union all

    select
        conversation_id,
        {{ split_to_rows('tags', ';') }} as untrimmed_tag
    from export_tags

),

-- a separate step: Spark allows a generator (the split) only at the top of a select list
trimmed_tags as (

    select
        conversation_id,
        trim(untrimmed_tag) as tag
    from split_tags

),

final as (

    select distinct
        conversation_id,
        tag
    from trimmed_tags
    where tag <> ''

)

select * from final
